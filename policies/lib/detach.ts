/**
 * The policy host hands rules `props` wrapped in a Proxy that throws when a rule reads a value
 * that is unknown during preview. That proxy wraps every value it returns, functions included, so
 * `Array.prototype.map`/`filter` on a wrapped array fail (creating the result array reads
 * `Array.prototype` through the proxy, which breaks a Proxy invariant). `detach` copies props
 * into plain objects and arrays and keeps the host's laziness: a field that cannot be read becomes
 * a getter that rethrows the host's error, so a rule is reported as "can't run during preview"
 * only when it actually reads an unknown value.
 */

/** A plain, proxy-free copy of `value` whose unreadable fields rethrow on access. */
export function detach<T>(value: T): T {
    if (value === null || typeof value !== "object") {
        return value;
    }
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = Array.isArray(value) ? ([] as unknown as Record<string, unknown>) : {};
    for (const key of Object.keys(source)) {
        let field: unknown;
        try {
            field = source[key];
        } catch (e) {
            Object.defineProperty(out, key, {
                enumerable: true,
                get: () => {
                    throw e;
                },
            });
            continue;
        }
        out[key] = detach(field);
    }
    return out as T;
}

/** A resource (or stack resource) with its props and its provider's props detached. */
export function detachResource<R extends { props: Record<string, unknown>; provider?: { props: Record<string, unknown> } }>(r: R): R {
    return {
        ...r,
        props: detach(r.props),
        ...(r.provider ? { provider: { ...r.provider, props: detach(r.provider.props) } } : {}),
    };
}
