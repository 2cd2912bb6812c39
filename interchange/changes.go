package interchange

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"zhinan/catalog"
)

// A change export (`zhinan export --since SEQ`, docs/interchange.md#change-exports)
// is JSON Lines: one line per published change of an item, in sequence
// order, then one line that says where the next export starts:
//
//	{"seq":812,"kind":"updated","code":"…","edition":3,"time":"2026-…Z","item":{…}}
//	{"seq":813,"kind":"withdrawn","code":"…","time":"2026-…Z"}
//	{"next":813}
//
// "item" is the published edition's guide in the shape of an item line of
// a JSON Lines export (canonical, catalog.AppendGuide); a withdrawal has
// neither edition nor item.

// Change is one line of a change export.
type Change struct {
	Seq     int64
	Kind    string
	Code    string
	Edition int           // 0 for a withdrawal
	At      time.Time     // when the change was made
	Item    *catalog.Item // nil for a withdrawal
}

// changeHead is a change line without its item.
type changeHead struct {
	Seq     int64     `json:"seq"`
	Kind    string    `json:"kind"`
	Code    string    `json:"code"`
	Edition int       `json:"edition,omitempty"`
	Time    time.Time `json:"time"`
}

// ChangeWriter writes a change export.
type ChangeWriter struct {
	w    io.Writer
	buf  bytes.Buffer
	enc  *json.Encoder
	next int64
}

// NewChangeWriter returns a writer of the changes after since to w.
func NewChangeWriter(w io.Writer, since int64) *ChangeWriter {
	cw := &ChangeWriter{w: w, next: since}
	cw.enc = json.NewEncoder(&cw.buf)
	cw.enc.SetEscapeHTML(false)
	return cw
}

// Write writes one change, which must follow the last in sequence order.
func (cw *ChangeWriter) Write(c Change) error {
	if c.Seq <= cw.next {
		return fmt.Errorf("change %d after %d: out of sequence order", c.Seq, cw.next)
	}
	cw.buf.Reset()
	if err := cw.enc.Encode(changeHead{Seq: c.Seq, Kind: c.Kind, Code: c.Code, Edition: c.Edition, Time: c.At.UTC()}); err != nil {
		return err
	}
	line := bytes.TrimSuffix(cw.buf.Bytes(), []byte("}\n"))
	if c.Item != nil {
		line = append(line, `,"item":`...)
		line = catalog.AppendGuide(line, c.Item)
	}
	line = append(line, "}\n"...)
	if _, err := cw.w.Write(line); err != nil {
		return err
	}
	cw.next = c.Seq
	return nil
}

// Next is the since of the next export: the last change's sequence value,
// or since when there was none.
func (cw *ChangeWriter) Next() int64 { return cw.next }

// Close writes the last line, {"next":N}.
func (cw *ChangeWriter) Close() error {
	_, err := fmt.Fprintf(cw.w, "{\"next\":%d}\n", cw.next)
	return err
}
