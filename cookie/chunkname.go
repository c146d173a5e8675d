package cookie

import "strings"

// ChunkName splits the name of a chunk cookie, "<base>.<i>", into the name of
// its main cookie and the chunk's index. ok holds only when base is non-empty
// and i is a canonical decimal (ASCII digits, no sign, no leading zero but
// "0" itself) in [0, MaxChunksLimit]: every name that [Spec.Read],
// [Spec.Write] and [Spec.Delete] treat as a chunk of a cookie named base, in
// either scheme (h3's chunks are name.1 to name.64, Auth.js's name.0 to
// name.63; see [Attributes.AuthJSChunks]). The last dot splits, so "a.b.3"
// is chunk 3 of "a.b"; "s.00", "s.01", "s.+1", "s.65" and "s." are not chunk
// names.
//
// Code that must recognise a session's chunks without a [Spec] (a proxy that
// strips them, a tool that groups a request's cookies) uses it to agree with
// this package.
func ChunkName(name string) (base string, i int, ok bool) {
	dot := strings.LastIndexByte(name, '.')
	if dot <= 0 {
		return "", 0, false
	}
	if name[dot+1:] == "0" {
		return name[:dot], 0, true
	}
	i, ok = parseIndex(name[dot+1:], MaxChunksLimit)
	if !ok {
		return "", 0, false
	}
	return name[:dot], i, true
}
