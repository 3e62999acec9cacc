/** The library's public surface: every component and the types their args use. */
export * from "./core/types";
export * from "./core/context";
export { standardLabels, selectorLabels } from "./core/labels";
export { mirrorImage, isPinned, splitImage } from "./core/images";
export * from "./tenancy/tenant-namespace";
export * from "./container-cloud";
export * from "./app-engine";
