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
// It keeps the whole file's records: to import a file of any size, open it
// with OpenFile and Stream it into the import.
func DecodeFile(path, dialect string) (catalog.Decoded, error) {
	f, err := OpenFile(path, dialect)
	if err != nil {
		return catalog.Decoded{}, err
	}
	defer f.Close()
	var d catalog.Decoded
	f.Stream(&d) // a Decoded never fails
	return d, nil
}

// File is an input file opened for decoding (OpenFile).
type File struct {
	f      *os.File
	path   string
	stream func(io.Reader, string, catalog.Sink) error
}

// OpenFile opens the file at path for decoding, choosing the decoder as
// DecodeFile does. The error, in Chinese, is for an unreadable file or an
// unknown extension or dialect, so that every input can be checked before
// any is read.
func OpenFile(path, dialect string) (*File, error) {
	ext := strings.ToLower(filepath.Ext(path))
	var stream func(io.Reader, string, catalog.Sink) error
	switch ext {
	case ".jsonl", ".json":
		stream = StreamJSONL
		if dialect == DialectNational {
			stream = StreamNational
		}
	case ".csv":
		stream = StreamCSV
	case ".xlsx":
		stream = StreamXLSX
	default:
		return nil, fmt.Errorf(msgUnknownExtension, filepath.Base(path))
	}
	switch {
	case dialect != "" && dialect != DialectNational:
		return nil, fmt.Errorf(msgUnknownDialect, dialect)
	case dialect == DialectNational && ext != ".jsonl" && ext != ".json":
		return nil, fmt.Errorf(msgNationalNotJSON, ext)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fileError(path, err)
	}
	if st, err := f.Stat(); err != nil {
		f.Close()
		return nil, fileError(path, err)
	} else if st.IsDir() {
		f.Close()
		return nil, fmt.Errorf(msgFileUnreadable, path, msgIsDirectory)
	}
	return &File{f: f, path: path, stream: stream}, nil
}

// Stream decodes the file, handing each record and problem to sink in
// input order (records and problems name the file by the path it was
// opened with). JSON Lines and CSV are read record by record, so memory
// does not grow with the file; a JSON array and an XLSX workbook, at most
// MaxFileBytes, are decoded whole first. The error is sink's, which stops
// decoding; a file is streamed once.
func (f *File) Stream(sink catalog.Sink) error {
	return f.stream(f.f, f.path, sink)
}

// Close closes the file.
func (f *File) Close() error { return f.f.Close() }

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
