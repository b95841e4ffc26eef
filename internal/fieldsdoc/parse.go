package main

import (
	"fmt"
	"go/ast"
	"go/build"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// pkgInfo is what the generator reads from a package: its struct types and its methods.
type pkgInfo struct {
	name    string
	structs map[string]*structInfo
	methods map[string]*methodInfo // by "Recv.Name", e.g. "Client.LoginMethods"
}

// structInfo is one struct type declaration.
type structInfo struct {
	name       string
	typeParams []string // the names of its type parameters, if it is generic
	doc        string   // its doc comment, paragraphs separated by blank lines
	file       string   // the base name of the file that declares it
	fields     []fieldInfo
}

// fieldInfo is one named field of a struct.
type fieldInfo struct {
	goName   string
	goType   string // as written, with the package's own types qualified: tcredit.Amount
	exported bool
	embedded bool
	hasTag   bool   // the field has a json tag
	tagName  string // the key the json tag gives, "" when the tag names none
	skip     bool   // the json tag is "-"
	comment  string // the line comment, on one line
	doc      string // the doc comment above the field, on one line
}

// methodInfo is one method's parameters, by name, with their types.
type methodInfo struct {
	params map[string]string
}

// tagged reports whether any field of s has a json tag.
func (s *structInfo) tagged() bool {
	for _, f := range s.fields {
		if f.hasTag {
			return true
		}
	}
	return false
}

// parsePackage reads the Go files of the package in dir that a build would compile,
// test files excluded, with their comments.
func parsePackage(dir string) (*pkgInfo, error) {
	bp, err := build.ImportDir(dir, 0)
	if err != nil {
		return nil, fmt.Errorf("reading package in %s: %w", dir, err)
	}
	fset := token.NewFileSet()
	pkg := &pkgInfo{name: bp.Name, structs: map[string]*structInfo{}, methods: map[string]*methodInfo{}}
	for _, name := range bp.GoFiles {
		f, err := parser.ParseFile(fset, filepath.Join(bp.Dir, name), nil, parser.ParseComments|parser.SkipObjectResolution)
		if err != nil {
			return nil, err
		}
		if err := pkg.add(f, name); err != nil {
			return nil, err
		}
	}
	return pkg, nil
}

// add records the struct types and methods declared in f.
func (p *pkgInfo) add(f *ast.File, file string) error {
	for _, decl := range f.Decls {
		switch d := decl.(type) {
		case *ast.GenDecl:
			if d.Tok != token.TYPE {
				continue
			}
			for _, spec := range d.Specs {
				ts := spec.(*ast.TypeSpec)
				st, ok := ts.Type.(*ast.StructType)
				if !ok {
					continue
				}
				if _, dup := p.structs[ts.Name.Name]; dup {
					return fmt.Errorf("struct %s is declared twice", ts.Name.Name)
				}
				doc := ts.Doc
				if doc == nil && len(d.Specs) == 1 {
					doc = d.Doc
				}
				p.structs[ts.Name.Name] = p.readStruct(ts, st, doc, file)
			}
		case *ast.FuncDecl:
			if d.Recv == nil || len(d.Recv.List) != 1 {
				continue
			}
			p.methods[receiverName(d.Recv.List[0].Type)+"."+d.Name.Name] = p.readMethod(d)
		}
	}
	return nil
}

// readStruct reads one struct declaration.
func (p *pkgInfo) readStruct(ts *ast.TypeSpec, st *ast.StructType, doc *ast.CommentGroup, file string) *structInfo {
	s := &structInfo{name: ts.Name.Name, doc: paragraphs(doc), file: file}
	if ts.TypeParams != nil {
		for _, tp := range ts.TypeParams.List {
			for _, n := range tp.Names {
				s.typeParams = append(s.typeParams, n.Name)
			}
		}
	}
	for _, fld := range st.Fields.List {
		f := fieldInfo{
			goType:  p.typeString(fld.Type, s.typeParams),
			comment: oneLine(fld.Comment),
			doc:     oneLine(fld.Doc),
		}
		if fld.Tag != nil {
			if tag, err := strconv.Unquote(fld.Tag.Value); err == nil {
				if v, ok := reflect.StructTag(tag).Lookup("json"); ok {
					f.hasTag = true
					f.tagName, _, _ = strings.Cut(v, ",")
					f.skip = f.tagName == "-"
				}
			}
		}
		names := fld.Names
		if len(names) == 0 {
			f.embedded = true
			names = []*ast.Ident{{Name: embeddedName(fld.Type)}}
		}
		for _, n := range names {
			f.goName = n.Name
			f.exported = ast.IsExported(n.Name)
			s.fields = append(s.fields, f)
		}
	}
	return s
}

// readMethod reads a method's parameter names and types.
func (p *pkgInfo) readMethod(d *ast.FuncDecl) *methodInfo {
	m := &methodInfo{params: map[string]string{}}
	for _, fld := range d.Type.Params.List {
		for _, n := range fld.Names {
			m.params[n.Name] = p.typeString(fld.Type, nil)
		}
	}
	return m
}

// typeString writes a type expression as Go source, qualifying the names the package
// declares itself (Amount is tcredit.Amount) and leaving predeclared types and type
// parameters bare.
func (p *pkgInfo) typeString(e ast.Expr, typeParams []string) string {
	switch t := e.(type) {
	case *ast.Ident:
		if isPredeclared(t.Name) || slices.Contains(typeParams, t.Name) {
			return t.Name
		}
		return p.name + "." + t.Name
	case *ast.StarExpr:
		return "*" + p.typeString(t.X, typeParams)
	case *ast.ArrayType:
		if t.Len == nil {
			return "[]" + p.typeString(t.Elt, typeParams)
		}
		return "[" + types.ExprString(t.Len) + "]" + p.typeString(t.Elt, typeParams)
	case *ast.MapType:
		return "map[" + p.typeString(t.Key, typeParams) + "]" + p.typeString(t.Value, typeParams)
	case *ast.Ellipsis:
		return "..." + p.typeString(t.Elt, typeParams)
	case *ast.IndexExpr:
		return p.typeString(t.X, typeParams) + "[" + p.typeString(t.Index, typeParams) + "]"
	case *ast.IndexListExpr:
		args := make([]string, len(t.Indices))
		for i, ix := range t.Indices {
			args[i] = p.typeString(ix, typeParams)
		}
		return p.typeString(t.X, typeParams) + "[" + strings.Join(args, ", ") + "]"
	}
	return types.ExprString(e)
}

// isPredeclared reports whether name is a predeclared type such as string or error.
func isPredeclared(name string) bool {
	_, ok := types.Universe.Lookup(name).(*types.TypeName)
	return ok
}

// receiverName returns the type name of a method's receiver: Client for *Client.
func receiverName(e ast.Expr) string {
	if star, ok := e.(*ast.StarExpr); ok {
		e = star.X
	}
	return embeddedName(e)
}

// embeddedName returns the type name an embedded field is known by.
func embeddedName(e ast.Expr) string {
	switch t := e.(type) {
	case *ast.StarExpr:
		return embeddedName(t.X)
	case *ast.SelectorExpr:
		return t.Sel.Name
	case *ast.IndexExpr:
		return embeddedName(t.X)
	case *ast.IndexListExpr:
		return embeddedName(t.X)
	case *ast.Ident:
		return t.Name
	}
	return types.ExprString(e)
}

// oneLine returns the text of a comment on a single line.
func oneLine(cg *ast.CommentGroup) string {
	if cg == nil {
		return ""
	}
	return strings.Join(strings.Fields(cg.Text()), " ")
}

// paragraphs returns the text of a doc comment with each paragraph on one line and a
// blank line between paragraphs.
func paragraphs(cg *ast.CommentGroup) string {
	if cg == nil {
		return ""
	}
	var out []string
	for _, para := range strings.Split(strings.TrimSpace(cg.Text()), "\n\n") {
		if line := strings.Join(strings.Fields(para), " "); line != "" {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n\n")
}
