//go:build !unix

package main

import "time"

// processCPU is unknown here: the report shows it as n/a.
func processCPU() time.Duration { return -1 }
