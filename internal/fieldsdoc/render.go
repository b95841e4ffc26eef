package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"regexp"
	"sort"
	"strings"
)

// A section is one part of the generated file: the response frame, an endpoint, or the
// callback.
type section struct {
	title   string
	intro   []string // paragraphs of Markdown
	params  []param  // request parameters passed as arguments of a Client method
	request *part    // a struct whose fields are request parameters
	parts   []part   // the structs of the response, in the document's order
}

// A part names a struct of the package and where it sits on the wire.
type part struct {
	name string // the struct's Go name
	path string // where it sits, e.g. "data.baseInfo"
	// keyInComment says that the struct has no json tags and each field's line comment
	// starts with its wire name: "area_code 城市编码".
	keyInComment bool
}

// A param is a request parameter that a Client method takes as an argument.
type param struct {
	key    string // the name on the wire
	method string // the method, "Client.LoginMethods"
	arg    string // the method's argument that carries it
	desc   string // the API document's description
}

// wireName matches a parameter or key name as the document writes it.
var wireName = regexp.MustCompile(`^[a-z][A-Za-z0-9_]*$`)

// render writes the Markdown file for pkg, with sections in the given order and then
// every other exported struct that has json tags.
func render(pkg *pkgInfo, header string, sections []section) ([]byte, error) {
	listed := map[string]bool{}
	var b bytes.Buffer
	b.WriteString(header)
	for _, sec := range sections {
		fmt.Fprintf(&b, "\n## %s\n", sec.title)
		for _, p := range sec.intro {
			fmt.Fprintf(&b, "\n%s\n", p)
		}
		if err := renderParams(&b, pkg, sec, listed); err != nil {
			return nil, err
		}
		for _, pt := range sec.parts {
			s, err := lookup(pkg, pt, listed)
			if err != nil {
				return nil, err
			}
			renderStruct(&b, s, pt)
		}
	}
	others := unlisted(pkg, listed)
	if len(others) > 0 {
		b.WriteString("\n## Other structs\n\nExported structs with JSON keys that no section above places.\n")
		for _, s := range others {
			renderStruct(&b, s, part{name: s.name})
		}
	}
	return b.Bytes(), nil
}

// lookup finds the struct a part names and marks it listed.
func lookup(pkg *pkgInfo, pt part, listed map[string]bool) (*structInfo, error) {
	s, ok := pkg.structs[pt.name]
	if !ok {
		return nil, fmt.Errorf("struct %s is listed in the document's order but not declared in package %s", pt.name, pkg.name)
	}
	if listed[pt.name] {
		return nil, fmt.Errorf("struct %s is listed twice", pt.name)
	}
	listed[pt.name] = true
	return s, nil
}

// unlisted returns the exported structs with json tags that no section names, by name.
func unlisted(pkg *pkgInfo, listed map[string]bool) []*structInfo {
	var out []*structInfo
	for name, s := range pkg.structs {
		if !listed[name] && ast.IsExported(name) && s.tagged() {
			out = append(out, s)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}

// renderParams writes the table of a section's request parameters, if it has any.
func renderParams(b *bytes.Buffer, pkg *pkgInfo, sec section, listed map[string]bool) error {
	if len(sec.params) == 0 && sec.request == nil {
		return nil
	}
	var rows [][4]string
	for _, p := range sec.params {
		m, ok := pkg.methods[p.method]
		if !ok {
			return fmt.Errorf("method %s, which carries parameter %s, is not declared in package %s", p.method, p.key, pkg.name)
		}
		typ, ok := m.params[p.arg]
		if !ok {
			return fmt.Errorf("method %s has no argument %s to carry parameter %s", p.method, p.arg, p.key)
		}
		rows = append(rows, [4]string{p.key, p.method + "(" + p.arg + ")", typ, p.desc})
	}
	b.WriteString("\n### Request parameters\n")
	if sec.request != nil {
		s, err := lookup(pkg, *sec.request, listed)
		if err != nil {
			return err
		}
		b.WriteString("\n")
		b.WriteString(structIntro(s))
		rows = append(rows, fieldRows(s, *sec.request)...)
	}
	b.WriteString("\n")
	writeTable(b, "Parameter", rows)
	return nil
}

// renderStruct writes a struct's heading, doc comment and table of fields.
func renderStruct(b *bytes.Buffer, s *structInfo, pt part) {
	title := "`" + displayName(s) + "`"
	if pt.path != "" {
		title += " — `" + pt.path + "`"
	}
	fmt.Fprintf(b, "\n### %s\n\n", title)
	b.WriteString(structIntro(s))
	b.WriteString("\n")
	first := "JSON key"
	if pt.keyInComment {
		first = "Parameter"
	}
	writeTable(b, first, fieldRows(s, pt))
}

// structIntro returns a struct's doc comment and where it is declared, as Markdown.
func structIntro(s *structInfo) string {
	where := "Declared in " + s.file
	if !ast.IsExported(s.name) {
		where += "; not exported, read by the client"
	}
	where += "."
	if s.doc == "" {
		return where + "\n"
	}
	return s.doc + "\n\n" + where + "\n"
}

// displayName is a struct's name with its type parameters: envelope[T].
func displayName(s *structInfo) string {
	if len(s.typeParams) == 0 {
		return s.name
	}
	return s.name + "[" + strings.Join(s.typeParams, ", ") + "]"
}

// fieldRows returns the key, Go name, Go type and description of each field of s that
// is on the wire.
func fieldRows(s *structInfo, pt part) [][4]string {
	var rows [][4]string
	for _, f := range s.fields {
		if !f.exported || f.skip {
			continue
		}
		key, desc := fieldKey(f, pt.keyInComment)
		rows = append(rows, [4]string{key, s.name + "." + f.goName, f.goType, desc})
	}
	return rows
}

// fieldKey returns a field's name on the wire and its description. The key is the json
// tag's; without one it is the first word of the line comment where the struct says so,
// and otherwise the Go name, as encoding/json has it.
func fieldKey(f fieldInfo, keyInComment bool) (key, desc string) {
	desc = f.comment
	if desc == "" {
		desc = f.doc
	}
	switch {
	case f.hasTag && f.tagName != "":
		return f.tagName, desc
	case keyInComment:
		first, rest, _ := strings.Cut(f.comment, " ")
		if f.comment != "" && wireName.MatchString(first) {
			return first, strings.TrimSpace(rest)
		}
		return "", desc
	case f.embedded:
		return "", desc
	}
	return f.goName, desc
}

// writeTable writes rows as a Markdown table whose first column is named first.
func writeTable(b *bytes.Buffer, first string, rows [][4]string) {
	if len(rows) == 0 {
		b.WriteString("No fields.\n")
		return
	}
	fmt.Fprintf(b, "| %s | Go name | Go type | 说明 |\n|---|---|---|---|\n", first)
	for _, r := range rows {
		key := "—"
		if r[0] != "" {
			key = code(r[0])
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", key, code(r[1]), code(r[2]), cell(r[3]))
	}
}

// code writes s as a code span in a table cell.
func code(s string) string { return "`" + cell(s) + "`" }

// cell escapes what would end a table cell or row.
func cell(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "|", `\|`)
}
