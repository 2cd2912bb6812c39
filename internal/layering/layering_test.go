package layering

import (
	"bytes"
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// Prefixes of import paths.
const (
	gorm    = "gorm.io/"
	gin     = "github.com/gin-gonic/"
	bleve   = "github.com/blevesearch/"
	sqlite3 = "github.com/mattn/go-sqlite3"
	modernc = "modernc.org/sqlite"
	sqlPkg  = "database/sql"

	module = "zhinan/"
)

// rule is what one package may not depend on. notDeps are prefixes of
// packages it may not depend on at all, directly or through another;
// notImports are prefixes of packages it may not import itself (it may
// still reach them through a package that may).
type rule struct {
	pkg        string
	notDeps    []string
	notImports []string
}

var drivers = []string{gorm, sqlite3, modernc, sqlPkg}

var rules = []rule{
	{pkg: "catalog", notDeps: append([]string{module, gin, bleve}, drivers...)},
	{pkg: "catalog/catalogtest", notDeps: append([]string{module + "store", module + "interchange", gin, bleve}, drivers...)},
	{pkg: "store", notDeps: []string{gin, bleve, module + "interchange", module + "search", module + "report",
		module + "web", module + "seeds"}},
	{pkg: "interchange", notDeps: append([]string{module + "store", module + "search", module + "report",
		module + "web", gin, bleve}, drivers...)},
	{pkg: "search", notDeps: append([]string{module + "store", module + "interchange", module + "report",
		module + "web", gin}, drivers...)},
	{pkg: "report", notDeps: []string{gin, bleve, module + "search", module + "web"},
		notImports: drivers},
	{pkg: "web", notImports: append([]string{bleve}, drivers...)},
	// The production binary carries neither the benchmark harness nor its
	// second SQLite engine (cmd/zhinan-bench does).
	{pkg: "cmd/zhinan", notDeps: []string{module + "bench", modernc}},
}

// mayImportWeb are the only packages that may import web.
var mayImportWeb = []string{module + "cmd/zhinan", module + "cmd/zhinan-bench", module + "bench"}

// pkgInfo is what go list says of one package.
type pkgInfo struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages returns every package of the module as go list sees it,
// without tests: the rules are about what the program is built of.
func listPackages(t *testing.T) map[string]pkgInfo {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "zhinan/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	pkgs := map[string]pkgInfo{}
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p pkgInfo
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[p.ImportPath] = p
	}
	return pkgs
}

// TestImportRules checks every rule against the packages as they are.
func TestImportRules(t *testing.T) {
	pkgs := listPackages(t)
	for _, r := range rules {
		path := module + r.pkg
		p, ok := pkgs[path]
		if !ok {
			t.Errorf("%s: no such package: a rule names a package that moved or was renamed", path)
			continue
		}
		for _, d := range p.Deps {
			if matches(d, r.notDeps) {
				t.Errorf("%s depends on %s (%s)", path, d, why(pkgs, path, d))
			}
		}
		for _, d := range p.Imports {
			if matches(d, r.notImports) {
				t.Errorf("%s imports %s", path, d)
			}
		}
	}
	for _, p := range pkgs {
		if slices.Contains(p.Imports, module+"web") && !slices.Contains(mayImportWeb, p.ImportPath) {
			t.Errorf("%s imports web: only %v may", p.ImportPath, mayImportWeb)
		}
	}
}

// matches reports whether the import path is one of prefixes or lies
// below one: "gorm.io/" matches gorm.io/gorm, "zhinan/store" matches
// zhinan/store and zhinan/store/x but not zhinan/stores.
func matches(path string, prefixes []string) bool {
	for _, p := range prefixes {
		if path == p || strings.HasPrefix(path, strings.TrimSuffix(p, "/")+"/") {
			return true
		}
	}
	return false
}

// why names the chain of imports by which from depends on to, for the
// message of a violation.
func why(pkgs map[string]pkgInfo, from, to string) string {
	prev := map[string]string{from: ""}
	queue := []string{from}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		if p == to {
			var chain []string
			for ; p != ""; p = prev[p] {
				chain = append(chain, p)
			}
			slices.Reverse(chain)
			return strings.Join(chain, " → ")
		}
		for _, imp := range pkgs[p].Imports {
			if _, seen := prev[imp]; !seen {
				prev[imp] = p
				queue = append(queue, imp)
			}
		}
	}
	return "through a package outside the module"
}
