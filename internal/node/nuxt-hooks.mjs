// nuxt-hooks.mjs — module resolution hooks that let nuxt-auth-utils's server
// utilities run outside a Nuxt build, for verify.mjs (registered there with
// module.register):
//
//   - "#imports", Nuxt's virtual module, resolves to nuxt-runtime.mjs, which
//     provides the one export the utilities use (useRuntimeConfig);
//   - relative imports inside nuxt-auth-utils keep their importer's "?job=N"
//     query, so each job gets a module graph of its own (the utilities cache
//     their configuration on first use).

const runtime = new URL("./nuxt-runtime.mjs", import.meta.url).href;

export async function resolve(specifier, context, next) {
  if (specifier === "#imports") return { url: runtime, shortCircuit: true };
  const parent = context.parentURL || "";
  const q = parent.indexOf("?job=");
  if (q >= 0 && parent.includes("/node_modules/nuxt-auth-utils/") && (specifier.startsWith("./") || specifier.startsWith("../"))) {
    const r = await next(specifier, context);
    return { ...r, url: r.url.split("?")[0] + parent.slice(q) };
  }
  return next(specifier, context);
}
