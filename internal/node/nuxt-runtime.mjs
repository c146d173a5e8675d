// nuxt-runtime.mjs — what "#imports" gives nuxt-auth-utils outside Nuxt (see
// nuxt-hooks.mjs): useRuntimeConfig returns the runtime configuration that
// verify.mjs sets for the job, shaped as Nuxt's ({session: {...}}).

export function useRuntimeConfig() {
  const c = globalThis.__sealcookieNuxtRuntimeConfig;
  if (!c) throw new Error("nuxt-runtime.mjs: no runtime config set for this job");
  return c;
}
