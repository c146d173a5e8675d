// Package gorilla moves users from gorilla/sessions to package session without
// logging them out. It exists for migration only: it reads cookies written by
// gorilla/sessions' CookieStore, or directly with gorilla/securecookie, and
// never writes them.
//
// A [Reader] is a [session.LegacyReader]: set it as Config.Legacy of the
// session.Manager that replaces the gorilla store. When a request carries no
// session of the Manager's own but a valid gorilla cookie, the Reader
// authenticates and decodes the cookie, hands its values (gorilla's
// session.Values) to [Config.Convert], and the Manager starts a session with
// the converted data. The next save seals it in the native format and
// deletes the gorilla cookie, so each user is migrated by their first request
// after the deploy.
//
//	legacy, err := gorilla.New(gorilla.Config[User]{
//		Name:     "session-name",                  // the name passed to store.Get
//		KeyPairs: [][]byte{oldHashKey, oldBlockKey}, // what sessions.NewCookieStore was given
//		Convert: func(v map[any]any) (User, error) {
//			id, ok := v["user_id"].(int)
//			if !ok {
//				return User{}, errors.New("no user_id")
//			}
//			return User{ID: id}, nil
//		},
//	})
//	...
//	m, err := session.New(session.Config[User]{Keys: keys, Legacy: legacy})
//
// # Migration procedure
//
//  1. Deploy the new application with Config.Legacy set to a Reader built from
//     the old store's name, key pairs, Path and Domain and max age. Users with a
//     gorilla cookie get a native session on their next request (the Manager
//     saves a migrated session at once, without waiting for a change).
//  2. Keep it deployed for the shorter of the Manager's MaxAge (24 hours by
//     default) and the old max age ([Config.MaxAge], 30 days by default, like
//     gorilla/sessions'), counted from the moment the old application stopped
//     writing cookies. A migrated session keeps the gorilla cookie's
//     timestamp as its createdAt (see below), so by then every gorilla
//     cookie is too old to migrate: keeping the Reader longer migrates no
//     one. Users who do not come back within that window sign in again;
//     to give them longer, raise the Manager's MaxAge for the migration.
//  3. Remove Config.Legacy and this package (and with it encoding/gob and
//     gorilla from your build), and retire the old keys.
//
// The Manager's cookie name must differ from the gorilla cookie's: the Manager
// consults the Reader only when the request has no cookie of its own name,
// and would otherwise delete the gorilla cookie as an unreadable session of
// its own.
//
// # Security
//
// gorilla/sessions serialises values with encoding/gob, and gob was not
// designed for input an attacker controls. That is why this package is a
// separate, opt-in import (the core session and sealed packages never link
// gob or gorilla), and why the Reader keeps securecookie's order of checks:
// the length cap ([Config.MaxLength], 4096 by default) is checked before
// anything is decoded, and securecookie verifies the HMAC (SHA-256, compared
// in constant time) before it decrypts or deserialises, so gob only ever
// decodes bytes written by a holder of the hash key. The Reader also checks
// the cookie's timestamp against [Config.MaxAge] before the HMAC: that check
// can only reject (the timestamp is covered by the HMAC checked next), so a
// forged timestamp may make a forgery report [sealed.ErrExpired] instead of
// [sealed.ErrNotAuthentic], but never makes it accepted.
//
// A gorilla cookie is at best HMAC-SHA256 signed and AES-CTR encrypted with
// the old keys; once migrated, the session is sealed with the Manager's
// keys. Treat the old keys as live until step 3: whoever holds the hash key
// can mint a gorilla cookie that the Reader accepts.
//
// Errors never contain keys or values. The Manager's OnError hears why a
// gorilla cookie was not migrated, and the Manager deletes it; the errors match sealed.ErrTooLarge,
// sealed.ErrMalformed, sealed.ErrExpired, sealed.ErrNotAuthentic, [ErrValues]
// or [ErrConvert].
//
// # Values and types
//
// With the default [Gob] serializer, values arrive with their Go types, as
// gorilla/sessions stored them. Custom types the old application registered
// with gob.Register must be registered by this program too (with the same
// names), or the cookie fails with [ErrValues]. With [JSON] (a securecookie
// codec configured with securecookie.JSONEncoder), the cookie must hold a
// JSON object; its values arrive as JSON types (numbers as float64, objects as
// map[string]any).
//
// # Lifetime of a migrated session
//
// A migrated session does not start afresh: its createdAt is the gorilla
// cookie's authenticated timestamp (when the old application last wrote it,
// which gorilla/sessions does on every save), and the Manager's MaxAge and
// IdleTimeout count from there. A gorilla cookie older than the Manager's
// MaxAge is therefore not migrated (OnError hears session.ErrExpired, and
// the cookie is deleted), and a migrated session ends no later than a
// native session created when the gorilla cookie was last written would
// have: the migration never lengthens a session.
package gorilla
