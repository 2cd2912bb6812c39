package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"hash"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"zhinan/catalog"
	"zhinan/interchange"
	"zhinan/store"
)

// Messages of zhinan migrate-store.
const (
	msgMigrateFlags    = "请用 --from 指定数据目录，用 --to 指定目标 PostgreSQL 数据库（postgres://…）"
	msgMigrateArgs     = "多余的参数：%s"
	msgMigrateSameDir  = "--from 与 --to 是同一个数据目录"
	msgMigrateNoSource = "数据目录 %s 中没有数据库 %s"
	msgMigrateSource   = "源库：%s（SQLite）\n"
	msgMigrateTarget   = "目标库：%s（%s）\n"
	msgMigrateProgress = "已复制 %-14s %d 行，用时 %.1f 秒\n"
	msgMigrateHeader   = "表                 源库行数   目标库行数  行校验和（sha256 之和）\n"
	msgMigrateRow      = "%-16s %10d %10d    %s  %s\n"
	msgMigrateTotal    = "%-16s %10d %10d\n"
	msgMigrateTotalRow = "合计"
	msgMigrateEqual    = "一致"
	msgMigrateUnequal  = "不一致"
	msgMigrateSums     = "源库 %s / 目标库 %s"
	msgMigrateExport   = "导出校验（JSON Lines，已发布事项 %d / %d 项，sha256）：\n  源库   %s\n  目标库 %s\n"
	msgMigrateReorder  = "两库导出的记录相同，仅顺序不同（两库的排序规则不同）。\n"
	msgMigrateDone     = "迁移完成：%d 张表共 %d 行，行数、校验和与导出均一致，用时 %.1f 秒。\n下一步：各服务以 --db 指向目标库启动（zhinan serve --db …），搜索索引在各自的 --data 目录中重建。\n"
	msgMigrateTables   = "复制后的数据与源库不一致"
	msgMigrateExports  = "复制后两库的导出不一致：已发布事项源库 %d 项，目标库 %d 项"
)

// runMigrateStore copies the store of a data directory (SQLite) into a
// new PostgreSQL database: every table, with the whole edition history,
// accounts, sessions and change log, in one transaction of the
// destination, which must be new (zhinan opened it at most, see
// store.Store.CopyTo). It then verifies the copy: each table's rows are
// counted and summed on both sides (the destination read back after the
// commit), and both stores' JSON Lines exports are hashed. Anything that
// differs is an error. The servers of the data directory should be
// stopped first: the copy holds the source's write lock while it reads,
// but what is written after it is not copied.
//
// --to takes a data directory as well, for a copy into SQLite.
func runMigrateStore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate-store", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "data directory whose SQLite database to copy (required)")
	to := fs.String("to", "", "database to copy into: a new PostgreSQL database, postgres://user:password@host:5432/name (required; a data directory copies into its SQLite)")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return fmt.Errorf("%w: "+msgMigrateArgs, errUsage, strings.Join(rest, " "))
	}
	if *from == "" || *to == "" {
		return fmt.Errorf("%w: %s", errUsage, msgMigrateFlags)
	}
	// Open would create a database where there is none.
	if fi, err := os.Stat(filepath.Join(*from, store.DatabaseFile)); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf(msgMigrateNoSource, *from, store.DatabaseFile)
	}
	toURL, toDir, engine := *to, "", "PostgreSQL"
	if !strings.HasPrefix(*to, "postgres://") && !strings.HasPrefix(*to, "postgresql://") {
		if strings.Contains(*to, "://") {
			return fmt.Errorf(store.MsgDatabaseURL, *to)
		}
		toURL, toDir, engine = "", *to, "SQLite"
		if sameDir(*from, *to) {
			return fmt.Errorf("%w: %s", errUsage, msgMigrateSameDir)
		}
	}
	start := time.Now()
	src, err := store.Open(*from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.OpenDB(toURL, toDir)
	if err != nil {
		return err
	}
	defer dst.Close()
	fmt.Fprintf(stdout, msgMigrateSource, *from)
	fmt.Fprintf(stdout, msgMigrateTarget, redactURL(*to), engine)

	last := time.Now()
	res, err := src.CopyTo(ctx, dst, func(tc store.TableCopy) {
		fmt.Fprintf(stderr, msgMigrateProgress, tc.Table, tc.Source, time.Since(last).Seconds())
		last = time.Now()
	})
	if err != nil && !errors.Is(err, store.ErrCopyDiffers) {
		return err
	}
	printCopy(stdout, res)
	if err != nil {
		return fmt.Errorf("%s：%s", msgMigrateTables, strings.Join(res.Differences(), "、"))
	}

	// Both exports at once: they read different databases.
	var srcSum, dstSum exportSum
	var srcErr, dstErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		srcSum, srcErr = sumExport(ctx, src)
	}()
	dstSum, dstErr = sumExport(ctx, dst)
	<-done
	if err := errors.Join(srcErr, dstErr); err != nil {
		return err
	}
	fmt.Fprintf(stdout, msgMigrateExport, srcSum.items, dstSum.items, srcSum.hex(), dstSum.hex())
	switch {
	case srcSum.items != dstSum.items || srcSum.lines != dstSum.lines:
		return fmt.Errorf(msgMigrateExports, srcSum.items, dstSum.items)
	case srcSum.stream != dstSum.stream:
		fmt.Fprint(stdout, msgMigrateReorder)
	}
	fmt.Fprintf(stdout, msgMigrateDone, len(res.Tables), res.Rows(), time.Since(start).Seconds())
	return nil
}

// printCopy prints each table's rows and row sums on both sides.
func printCopy(w io.Writer, res *store.CopyResult) {
	fmt.Fprint(w, msgMigrateHeader)
	var src, dst int64
	for _, t := range res.Tables {
		status, sums := msgMigrateEqual, t.SourceSum[:16]
		if !t.Equal() {
			status, sums = msgMigrateUnequal, fmt.Sprintf(msgMigrateSums, t.SourceSum, t.DestinationSum)
		}
		fmt.Fprintf(w, msgMigrateRow, t.Table, t.Source, t.Destination, status, sums)
		src += t.Source
		dst += t.Destination
	}
	fmt.Fprintf(w, msgMigrateTotal, msgMigrateTotalRow, src, dst)
}

// exportSum is what sumExport found in a store's export.
type exportSum struct {
	items int
	// stream is the SHA-256 of the export, as `zhinan export | sha256sum`
	// computes it.
	stream [sha256.Size]byte
	// lines is the sum, modulo 2^256, of the SHA-256 of every line: the
	// same for the same records in any order (two databases may sort
	// names by different collations).
	lines [sha256.Size]byte
}

func (s exportSum) hex() string { return hex.EncodeToString(s.stream[:]) }

// sumExport hashes the JSON Lines export of every published item of st.
func sumExport(ctx context.Context, st *store.Store) (exportSum, error) {
	h := &exportHasher{all: sha256.New(), line: sha256.New()}
	bw := bufio.NewWriterSize(h, 1<<16)
	n, err := interchange.Export(ctx, bw, "jsonl", st, catalog.ExportFilter{})
	if err != nil {
		return exportSum{}, err
	}
	if err := bw.Flush(); err != nil {
		return exportSum{}, err
	}
	h.endLine()
	out := exportSum{items: n, lines: h.lines}
	h.all.Sum(out.stream[:0])
	return out, nil
}

// exportHasher hashes what is written to it, whole and line by line.
type exportHasher struct {
	all, line hash.Hash
	pending   bool // the line hash has bytes of an unfinished line
	lines     [sha256.Size]byte
}

func (h *exportHasher) Write(p []byte) (int, error) {
	h.all.Write(p)
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			h.line.Write(p)
			h.pending = true
			break
		}
		h.line.Write(p[:i+1])
		h.pending = true
		h.endLine()
		p = p[i+1:]
	}
	return n, nil
}

// endLine adds the hash of the line written since the last one to lines.
func (h *exportHasher) endLine() {
	if !h.pending {
		return
	}
	var d [sha256.Size]byte
	h.line.Sum(d[:0])
	h.line.Reset()
	h.pending = false
	carry := uint16(0)
	for i := len(h.lines) - 1; i >= 0; i-- {
		s := uint16(h.lines[i]) + uint16(d[i]) + carry
		h.lines[i], carry = byte(s), s>>8
	}
}

// redactURL hides the password of a database URL.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" {
		return s
	}
	return u.Redacted()
}

// sameDir reports whether a and b name the same directory.
func sameDir(a, b string) bool {
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(fa, fb)
	}
	absA, errA := filepath.Abs(a)
	absB, errB := filepath.Abs(b)
	return errA == nil && errB == nil && absA == absB
}
