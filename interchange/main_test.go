package interchange

import (
	"os"
	"testing"

	"zhinan/internal/testdb"
)

// TestMain runs the tests on SQLite, or on PostgreSQL in a database of
// this test binary's own when ZHINAN_TEST_DB names a server.
func TestMain(m *testing.M) { os.Exit(testdb.Main(m)) }
