package main

// h3 decodes an h3 2.x or 1.x session.
func (d *decoder) h3(format string, in *input, name string) (*decoded, error) {
	return nil, usagef("--format %s: waiting for the session package's h3 formats", format)
}

// h3 seals an h3 2.x or 1.x session.
func (s *sealer) h3(format string, data []byte, bare bool) ([]string, error) {
	return nil, usagef("--format %s: waiting for the session package's h3 formats", format)
}
