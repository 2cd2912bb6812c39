package main

import (
	"bytes"
	"context"
	"io"
	"testing"
)

// TestGenVary checks that gen --vary reaches the generator: the same
// records, other texts, the same bytes twice.
func TestGenVary(t *testing.T) {
	gen := func(args ...string) []byte {
		t.Helper()
		var out bytes.Buffer
		if err := runGen(context.Background(), args, &out, io.Discard); err != nil {
			t.Fatalf("gen %v: %v", args, err)
		}
		return out.Bytes()
	}
	plain := gen("--items", "200", "--seed", "3")
	varied := gen("--items", "200", "--seed", "3", "--vary")
	if bytes.Equal(plain, varied) {
		t.Fatal("--vary changes nothing")
	}
	if bytes.Count(plain, []byte("\n")) != bytes.Count(varied, []byte("\n")) {
		t.Fatal("--vary changes the number of records")
	}
	if !bytes.Equal(varied, gen("--vary", "--items", "200", "--seed", "3")) {
		t.Fatal("--vary is not deterministic")
	}
}
