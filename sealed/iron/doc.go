// Package iron reads and writes the iron "Fe26.2" seal format, so that a Go
// service can share session cookies with JavaScript applications: h3 1.x
// (Nuxt 3 and 4, Nitro 2), h3 2.x (Nuxt 5, Nitro 3), iron-session 8 and 9
// (Next.js) and @hapi/iron / iron-webcrypto.
//
// A Go service shares sessions with those applications through packages
// session/h3 and session/ironsession, which use this one. Use it directly for
// a raw iron value, as @hapi/iron's seal and unseal make and take:
//
//	cfg, err := iron.IronConfig(iron.PasswordOption{Plain: pw}, 0, time.Hour) // or H3Config, IronSessionConfig, ...
//	k, err := iron.NewKeyring(cfg)
//	v, err := k.Seal([]byte(`{"user":"ada"}`), time.Now())
//	plaintext, info, err := k.Unseal(v, time.Now())
//
// It exists for interoperability and migration only. New deployments should
// use the native format of package [github.com/sealcookie/sealcookie/sealed],
// which derives its keys once, binds each value to a purpose, and is shorter
// and faster. This package is fenced off from the native format: it shares
// only its sentinel errors ([sealed.ErrMalformed], [sealed.ErrExpired],
// [sealed.ErrUnknownKey], [sealed.ErrNotAuthentic], [sealed.ErrTooLarge]).
//
// # Format
//
// A seal is eight fields joined by "*":
//
//	Fe26.2*<password id>*<encryption salt>*<iv>*<ciphertext>*<expiration>*<hmac salt>*<hmac>
//
// The salts are 64 lowercase hex characters (256 random bits); iv, ciphertext
// and hmac are unpadded base64url. The expiration is a Unix time in
// milliseconds, or empty for a seal that never expires. Keys are
// PBKDF2-SHA1(password as UTF-8, salt = the hex string's characters,
// iterations, 32 bytes), one per salt. The plaintext (JSON text, for the
// JavaScript libraries) is encrypted with AES-256-CBC and PKCS#7 padding, and
// HMAC-SHA256 covers the first six fields as they appear in the seal.
// iron-session 8 appends "~2" to the seal; see [SplitIronSessionValue].
// [Parse] and [Fields.Format] take a seal apart and put it back together
// without any key.
//
// # Compatibility
//
// Build a [Config] with the helper for the library on the other side:
//
//   - h3 1.x (Nuxt 3 and 4, Nitro 2; nuxt-auth-utils): [H3V1Config]. One
//     iteration.
//   - h3 2.x (Nuxt 5, Nitro 3): [H3Config]. 8192 iterations, falling back
//     to 1 for the seals of h3 1.x, as h3 does.
//   - iron-session 8 and 9 (Next.js): [IronSessionConfig]. One iteration; the
//     highest numeric password id seals; cookie values carry a "~2" suffix
//     ([SplitIronSessionValue], [IronSessionValue]).
//   - @hapi/iron and iron-webcrypto used directly: [IronConfig]. One
//     iteration by default.
//
// Each takes a [PasswordOption], the password option as users of those
// libraries write it (a string, an {id: password} map, h3's {id, secret}),
// which [ParsePasswordOption] reads from a password file or environment
// variable, and applies that library's own password rules. A Config can
// also be written by hand.
//
// What Unseal rejects follows h3 2.x: a wrong prefix, a wrong number of
// fields, a non-numeric expiration, an expired seal (expiration at or before
// now minus the timestamp skew, 60 seconds by default), an unknown password
// id, and a MAC that differs from the canonical base64url encoding of the
// computed one (iron-webcrypto 2 also accepts a non-canonical last
// character; h3 does not, and neither do we). Like the JavaScript libraries,
// Unseal checks the expiration before the MAC, so an expired value is
// reported as [sealed.ErrExpired] without being authenticated.
//
// Unseal is stricter than the JavaScript libraries about shape, before any
// key work: salts must be 64 lowercase hex characters, the iv 16 bytes, the
// ciphertext a whole number of AES blocks, base64url canonical and unpadded,
// the expiration free of leading zeros, and the password id empty or made of
// ASCII letters, digits and "_" (what iron accepts when it seals). Every
// library above writes seals of that shape; nothing else is needed to read
// them.
//
// Iron seals carry no purpose: a seal written for one cookie name opens under
// any other (h3 behaves the same way). Callers that need that binding must
// put it into the plaintext.
//
// # Passwords and rotation
//
// A [Password] has an ID (the seal's second field) and a Secret of at least
// 32 characters (UTF-16 code units, as JavaScript counts them). Unseal picks
// exactly one password per seal, never trying several. A seal with an id
// opens with the password of that ID, or else with the unnamed password
// (ID ""), which, like a plain string password in JavaScript, opens seals
// of any id. A seal without an id opens with the unnamed password, or else
// with the one named "default" (iron's rule for password maps).
// [Config.SealID] names the password that seals; [Info.Stale] reports a seal
// that was opened with another password (or with the fallback iteration
// count) and should be re-sealed.
//
// # Cost, and the key cache
//
// Iron derives two keys with PBKDF2 for every seal and every unseal, from
// fresh random salts. At h3 2.x's 8192 iterations that is about 5 ms of CPU
// per operation, in Node and in Go alike, and an attacker can demand it by
// sending cookies.
//
// A [Keyring] removes that cost without weakening the format:
//
//   - Unseal keeps a bounded, concurrency-safe LRU cache of derived keys,
//     keyed by (password, iterations, HMAC salt), holding the HMAC key and the
//     encryption salt and key of the same seal. A client that resends a
//     cookie we have already opened costs one HMAC and one AES decryption:
//     microseconds. The cache never grows past [Config.CacheSize] entries, and
//     an entry is added only after the seal's MAC has verified. The MAC covers
//     the encryption salt, so both salts of such a seal are authentic: forged
//     cookies can neither add entries nor evict good ones.
//   - A forged cookie with a fresh salt costs at most one PBKDF2 derivation at
//     [Config.Iterations], plus one at [Config.FallbackIterations] when that
//     is set. The encryption key is derived only after the MAC verifies.
//     That is about 3.5 ms of CPU per forged cookie at h3 2.x's 8192
//     iterations, and anyone can send one (no account needed): a few
//     hundred a second keep a core busy. The JavaScript libraries pay the
//     same.
//   - Seal derives an (encryption salt, key) and an (HMAC salt, key) pair once
//     and reuses them for many seals; each seal still gets a fresh random IV,
//     which is all AES-CBC needs to stay secure under one key, and every JS
//     reader derives the same keys from the salts in the seal, so nothing
//     changes for them. The pair is replaced after [SealKeyLifetime] or
//     [SealKeyUses] seals, whichever comes first, and Unseal recognises the
//     current and previous pair without the cache. Sealing in h3 2.x mode
//     therefore costs about as much as at one iteration. One consequence: two
//     seals from the same Keyring within that window share their salts, so an
//     observer can tell that they came from the same process and hour.
//
// # The derivation budget, and fleets where only Go seals
//
// Two settings bound what forged seals cost:
//
//   - A [Budget] caps the derivations Unseal runs for salts it has not seen
//     before: their CPU time per second ([BudgetConfig.CPU], by default a
//     tenth of a core) and how many run at once (one by default). Past it,
//     such a seal is refused with [ErrOverBudget] before anything is
//     derived, and the session package treats it as absent: a fresh
//     session, with OnError hearing ErrOverBudget. Seals whose keys are
//     cached and this process's own seals need no derivation and are never
//     refused, so clients that already hold a session are unaffected; a
//     genuine seal that a JavaScript peer has just written is refused like
//     a forgery while the budget is spent. Every Keyring built without
//     [Config.Budget] shares one process-wide Budget; give Keyrings a Budget
//     of their own to separate them, or a larger one when peers re-seal
//     often ([Budget.Stats] counts refusals).
//   - [Config.IssuedSaltsOnly] is for fleets where only Go services seal.
//     Seal always writes tagged salts: 16 random bytes and a 16-byte
//     HMAC-SHA256 tag of them, under a key derived from the password with
//     PBKDF2 at the Keyring's iteration count (so the tag makes guessing the
//     password no cheaper). Every iron library reads them as ordinary salts.
//     With IssuedSaltsOnly, Unseal checks the tags before anything else and
//     refuses a seal whose salts carry none ([sealed.ErrNotAuthentic]) at the
//     cost of one HMAC: a forged cookie then costs microseconds. Seals the
//     JavaScript libraries wrote are refused too, so turn it on only when
//     none of them seals this cookie, and only once the sessions sealed
//     before this package tagged its salts have expired.
//
// # Limits
//
// Unseal refuses values longer than [MaxLen] characters before parsing them,
// and Seal refuses plaintexts whose seal would be longer. NewKeyring refuses
// iteration counts above [MaxIterations], so no configuration can turn the
// keyring into a CPU sink. Error messages never contain secrets, keys or
// plaintext.
package iron
