package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"zhinan/catalog"
	"zhinan/store"
)

// templateKey finds the label keys templates use: {{t "key"}}, {{tf "key" …}}.
var templateKey = regexp.MustCompile(`\b(?:t|tf) "([^"]+)"`)

// keyArgs are the functions of the package that take a label key, and the
// index of the key among their arguments.
var keyArgs = map[string]int{"label": 0, "tf": 0, "fail": 1}

// usedLabelKeys returns every label key the templates and the package's
// code spell out, with where each is used.
func usedLabelKeys(t *testing.T) map[string]string {
	t.Helper()
	used := map[string]string{}
	tmpls, err := filepath.Glob("templates/*.html")
	if err != nil || len(tmpls) == 0 {
		t.Fatalf("templates: %v", err)
	}
	for _, p := range tmpls {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range templateKey.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = p
		}
	}
	files, _ := filepath.Glob("*.go")
	fset := token.NewFileSet()
	for _, p := range files {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, p, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		literal := func(e ast.Expr) {
			if lit, ok := e.(*ast.BasicLit); ok && lit.Kind == token.STRING {
				if s, err := strconv.Unquote(lit.Value); err == nil {
					used[s] = fset.Position(lit.Pos()).String()
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				if id, ok := n.Fun.(*ast.Ident); ok {
					if i, ok := keyArgs[id.Name]; ok && i < len(n.Args) {
						literal(n.Args[i])
					}
				}
			case *ast.KeyValueExpr:
				// Tables of notices and the like name their label as key: "…".
				if id, ok := n.Key.(*ast.Ident); ok && id.Name == "key" {
					literal(n.Value)
				}
			}
			return true
		})
	}
	return used
}

// Every label key a template or the code uses exists: a missing key would
// show as the key itself on the page.
func TestEveryLabelKeyExists(t *testing.T) {
	used := usedLabelKeys(t)
	if len(used) < 100 {
		t.Fatalf("found only %d label keys in use: the scan is broken", len(used))
	}
	var missing []string
	for k, where := range used {
		if _, ok := labels[k]; !ok {
			missing = append(missing, k+" ("+where+")")
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Fatalf("%d label keys used but not defined in zh.go:\n%s", len(missing), strings.Join(missing, "\n"))
	}
}

// Labels looked up by a stored value (a role, an edition state, a change
// log operation) exist for every value.
func TestEveryStoredValueHasALabel(t *testing.T) {
	families := []struct {
		prefix string
		values []string
	}{
		{"role.", catalog.Roles},
		{"state.", catalog.States},
		{"auditlog.action.", store.Ops},
	}
	for _, f := range families {
		for _, v := range f.values {
			if _, ok := labels[f.prefix+v]; !ok {
				t.Errorf("no label %s%s", f.prefix, v)
			}
		}
	}
}
