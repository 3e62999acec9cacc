/** Storage: Rook/Ceph. */
export { RookCeph, splitTag } from "./rook-ceph";
export type { RookCephArgs, HelmOperator, ExternalOperator } from "./rook-ceph";
export {
    validateCephOptions, renderCephClusterSpec, renderReplicatedPool, renderFilesystemSpec, renderObjectStoreSpec,
    rbdStorageClassParameters, cephfsStorageClassParameters, minimalCrd, ROOK_CRDS, SNAPSHOT_CRDS,
} from "./ceph-specs";
export type { CephDeviceSelection, CephClusterSpecOptions, CrdInfo } from "./ceph-specs";
