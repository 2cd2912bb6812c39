package interchange

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"zhinan/catalog"
)

// Size limits of the interchange decoders (docs/contract.md#limits: inputs have documented
// limits).
const (
	// MaxRecordBytes is the largest record a decoder accepts: one JSON line,
	// one element of a JSON array, or one CSV row (with its quoted line
	// breaks), without the line terminator. A longer record is reported as a
	// problem and skipped; the decoder goes on with the next one and never
	// holds more than this much of it in memory.
	MaxRecordBytes = 1 << 20

	// MaxFileBytes is the largest file that must be read whole: an XLSX
	// workbook or a .json file holding a single JSON array. JSON Lines and
	// CSV files are read record by record and have no file limit.
	MaxFileBytes = 64 << 20
)

// Formats lists the export formats NewEncoder accepts.
var Formats = []string{"jsonl", "csv", "xlsx"}

// DialectNational names the national platform dialect (docs/contract.md#interchange) for
// DecodeFile.
const DialectNational = "national"

// Encoder writes records in one interchange format. Write may buffer; Close
// flushes what is buffered (an XLSX workbook is written only on Close) but
// does not close the underlying writer.
type Encoder interface {
	Write(catalog.Record) error
	Close() error
}

// NewEncoder returns an encoder of format "jsonl", "csv" or "xlsx" (see
// Formats) writing to w. The JSON Lines encoder writes every kind of record;
// the CSV and XLSX encoders write one row per item and skip other records.
func NewEncoder(w io.Writer, format string) (Encoder, error) {
	switch format {
	case "jsonl":
		return newJSONLEncoder(w), nil
	case "csv":
		return newCSVEncoder(w), nil
	case "xlsx":
		return newXLSXEncoder(w)
	}
	return nil, fmt.Errorf(msgUnknownFormat, format)
}

// DecodeFile decodes the file at path, choosing the decoder by its
// extension (.jsonl and .json: DecodeJSONL; .csv: DecodeCSV; .xlsx:
// DecodeXLSX; case does not matter). dialect is "" for the canonical format
// or DialectNational for the national platform's JSON (DecodeNational). The
// error, in Chinese, is only for an unreadable file or an unknown extension
// or dialect; everything wrong inside the file is a Problem of the result.
func DecodeFile(path, dialect string) (catalog.Decoded, error) {
	ext := strings.ToLower(filepath.Ext(path))
	var decode func(io.Reader, string) catalog.Decoded
	switch ext {
	case ".jsonl", ".json":
		decode = DecodeJSONL
		if dialect == DialectNational {
			decode = DecodeNational
		}
	case ".csv":
		decode = DecodeCSV
	case ".xlsx":
		decode = DecodeXLSX
	default:
		return catalog.Decoded{}, fmt.Errorf(msgUnknownExtension, filepath.Base(path))
	}
	switch {
	case dialect != "" && dialect != DialectNational:
		return catalog.Decoded{}, fmt.Errorf(msgUnknownDialect, dialect)
	case dialect == DialectNational && ext != ".jsonl" && ext != ".json":
		return catalog.Decoded{}, fmt.Errorf(msgNationalNotJSON, ext)
	}
	f, err := os.Open(path)
	if err != nil {
		return catalog.Decoded{}, fileError(path, err)
	}
	defer f.Close()
	if st, err := f.Stat(); err != nil {
		return catalog.Decoded{}, fileError(path, err)
	} else if st.IsDir() {
		return catalog.Decoded{}, fmt.Errorf(msgFileUnreadable, path, msgIsDirectory)
	}
	return decode(f, path), nil
}

// fileError says in Chinese why a file cannot be read, keeping the
// underlying error for errors.Is.
func fileError(path string, err error) error {
	reason := err.Error()
	switch {
	case errors.Is(err, fs.ErrNotExist):
		reason = msgNoSuchFile
	case errors.Is(err, fs.ErrPermission):
		reason = msgPermission
	}
	return &readError{msg: fmt.Sprintf(msgFileUnreadable, path, reason), err: err}
}

type readError struct {
	msg string
	err error
}

func (e *readError) Error() string { return e.msg }
func (e *readError) Unwrap() error { return e.err }
