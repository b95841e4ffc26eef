// Command fieldsdoc writes docs/fields.md, the table of every field of every response
// of the fund query API, from the Go source of package tcredit: each struct's fields,
// their json tags, and the line comments that carry the API document's descriptions.
//
// It is run by go generate at the root of the module:
//
//	go run ./internal/fieldsdoc -out docs/fields.md
//
// Usage:
//
//	fieldsdoc [-dir DIR] [-out FILE]
//
// The structs appear in the order of the API document; a struct that order names but
// the package no longer declares is an error. Any other exported struct with json tags
// is added at the end.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	dir := flag.String("dir", ".", "the directory of package tcredit")
	out := flag.String("out", "docs/fields.md", "the file to write; - for standard output")
	flag.Parse()
	if err := run(*dir, *out); err != nil {
		fmt.Fprintln(os.Stderr, "fieldsdoc:", err)
		os.Exit(1)
	}
}

// run generates the file for the package in dir and writes it to out.
func run(dir, out string) error {
	doc, err := generate(dir)
	if err != nil {
		return err
	}
	if out == "-" {
		_, err = os.Stdout.Write(doc)
		return err
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return os.WriteFile(out, doc, 0o644)
}

// generate returns the contents of docs/fields.md for the package in dir.
func generate(dir string) ([]byte, error) {
	pkg, err := parsePackage(dir)
	if err != nil {
		return nil, err
	}
	return render(pkg, header, apiSections)
}
