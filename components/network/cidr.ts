/** Pure IPv4 CIDR arithmetic and the Flannel argument checks built on it. */

/** A parsed IPv4 CIDR. */
export interface Cidr {
    /** Network address as an unsigned 32-bit number. */
    network: number;
    /** Prefix length, 0–32. */
    prefix: number;
}

/** Parses `a.b.c.d/n`; returns undefined when it is not an IPv4 CIDR or has host bits set. */
export function parseCidr(s: string): Cidr | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(s.trim());
    if (!m) {
        return undefined;
    }
    const octets = m.slice(1, 5).map(Number);
    const prefix = Number(m[5]);
    if (octets.some((o) => o > 255) || prefix > 32) {
        return undefined;
    }
    const addr = ((octets[0] << 24) >>> 0) + (octets[1] << 16) + (octets[2] << 8) + octets[3];
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    if (((addr & mask) >>> 0) !== addr) {
        return undefined;
    }
    return { network: addr, prefix };
}

/** True when two CIDRs share at least one address. */
export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
    const p = Math.min(a.prefix, b.prefix);
    const mask = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
    return ((a.network & mask) >>> 0) === ((b.network & mask) >>> 0);
}

/** The network inputs the checks need. */
export interface NetworkCheckArgs {
    /** Cluster pod CIDR. */
    podCidr: string;
    /** Per-node subnet prefix length. */
    subnetLen: number;
    /** Cluster service CIDR. */
    serviceCidr: string;
}

/** Validates pod/service CIDRs and the subnet length; returns the first problem naming the field, or undefined. */
export function validateNetworkCidrs(a: NetworkCheckArgs): string | undefined {
    const pod = parseCidr(a.podCidr);
    if (!pod) {
        return `network.podCidr "${a.podCidr}" is not an IPv4 CIDR with no host bits (e.g. 10.244.0.0/16)`;
    }
    const svc = parseCidr(a.serviceCidr);
    if (!svc) {
        return `network.serviceCidr "${a.serviceCidr}" is not an IPv4 CIDR with no host bits (e.g. 10.96.0.0/12)`;
    }
    if (cidrsOverlap(pod, svc)) {
        return `network.podCidr ${a.podCidr} overlaps network.serviceCidr ${a.serviceCidr}: choose disjoint ranges`;
    }
    if (!Number.isInteger(a.subnetLen) || a.subnetLen <= pod.prefix || a.subnetLen > 30) {
        return `network.subnetLen ${a.subnetLen} must be greater than the pod CIDR prefix (/${pod.prefix}) and at most 30`;
    }
    return undefined;
}

/** The `n`-th address of a CIDR in dotted form (`hostAddress("10.96.0.0/12", 10)` → `10.96.0.10`). */
export function hostAddress(cidr: string, n: number): string {
    const c = parseCidr(cidr);
    if (!c) {
        throw new Error(`not an IPv4 CIDR: ${cidr}`);
    }
    const a = (c.network + n) >>> 0;
    return [a >>> 24, (a >>> 16) & 255, (a >>> 8) & 255, a & 255].join(".");
}
