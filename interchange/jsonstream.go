package interchange

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"unicode/utf8"

	"zhinan/catalog"
)

// decodeChunk is how many lines one decoding goroutine takes at a time;
// decodeWorkers bounds how many chunks are in flight.
const decodeChunk = 256

var decodeWorkers = max(2, runtime.GOMAXPROCS(0))

// numberedLine is one input line and its number; tooLong is its size when
// it exceeds MaxRecordBytes (and text is then empty).
type numberedLine struct {
	n       int
	text    string
	tooLong int
}

// recordFunc decodes one JSON record (an object's bytes) found at line.
type recordFunc func(raw []byte, line int) (catalog.Record, []catalog.Problem)

// recordDecoder is a dialect's record decoder; canonical records first try
// the fast path of catalog.ScanItem.
type recordDecoder struct {
	decode    recordFunc
	canonical bool
}

// streamJSON reads JSON Lines, or a single JSON array of records when the
// first character of the input is "[", decodes each record with fn and
// hands records and problems to sink in input order. Blank lines are
// skipped; every bad line becomes a problem and decoding goes on. Lines are
// decoded on every core, a bounded number of chunks ahead of sink, so that
// memory does not grow with the input. The error is sink's, which stops
// decoding.
func streamJSON(r io.Reader, file string, fn recordDecoder, sink catalog.Sink) error {
	br := bufio.NewReaderSize(r, 64<<10)
	if head, _ := br.Peek(3); bytes.Equal(head, utf8BOM) {
		br.Discard(3)
	}
	// Look past leading white space: a "[" starts a JSON array.
	for n := 1; ; n++ {
		head, err := br.Peek(n)
		if len(head) < n {
			if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
				sink.Problem(catalog.Problem{File: file, Message: fmt.Sprintf(msgReadFailed, err)})
				return nil
			}
			break
		}
		if c := head[n-1]; c == '[' {
			return streamJSONArray(br, file, fn, sink)
		} else if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			break
		}
	}
	lr := newLineReader(br)
	// Lines are decoded by a worker per core, in chunks, and the results
	// are handed to sink in input order. At most cap(pending) chunks wait
	// for sink, so a slow sink slows the reading.
	type decodedLine struct {
		rec      catalog.Record
		problems []catalog.Problem // when not empty, the line yields no record
	}
	pending := make(chan chan []decodedLine, decodeWorkers*2)
	stop := make(chan struct{})
	go func() {
		defer close(pending)
		var chunk []numberedLine
		flush := func() bool {
			if len(chunk) == 0 {
				return true
			}
			c, lines := make(chan []decodedLine, 1), chunk
			chunk = nil
			select {
			case <-stop:
				return false
			default:
			}
			select {
			case pending <- c:
			case <-stop:
				return false
			}
			go func() {
				out := make([]decodedLine, 0, len(lines))
				for _, l := range lines {
					if l.tooLong > 0 {
						out = append(out, decodedLine{problems: []catalog.Problem{{File: file, Line: l.n, Message: fmt.Sprintf(msgLineTooLong, l.tooLong, MaxRecordBytes)}}})
						continue
					}
					rec, probs := decodeJSONLine(l.text, l.n, file, fn)
					out = append(out, decodedLine{rec: rec, problems: probs})
				}
				c <- out
			}()
			return true
		}
		for {
			line, size, ok := lr.next()
			if !ok {
				break
			}
			if line == nil {
				chunk = append(chunk, numberedLine{n: lr.line, tooLong: size})
			} else if len(bytes.TrimSpace(line)) > 0 {
				chunk = append(chunk, numberedLine{n: lr.line, text: string(line)})
			}
			if len(chunk) == decodeChunk && !flush() {
				return
			}
		}
		flush()
	}()
	var err error
	for c := range pending {
		lines := <-c
		if err != nil {
			continue // draining: the reader stops at its next chunk
		}
		for i := range lines {
			if len(lines[i].problems) > 0 {
				for _, p := range lines[i].problems {
					sink.Problem(p)
				}
				continue
			}
			if err = sink.Record(lines[i].rec); err != nil {
				close(stop)
				break
			}
		}
	}
	if err != nil {
		return err
	}
	if lr.err != nil {
		sink.Problem(catalog.Problem{File: file, Line: lr.line + 1, Message: fmt.Sprintf(msgReadFailed, lr.err)})
	}
	return nil
}

// decodeJSONLine decodes one record: one line of JSON Lines, or one
// element of a JSON array. A canonical item is read by catalog.ScanItem,
// its strings sharing the record's memory; whatever the scanner declines
// is checked and decoded by decodeJSONText.
func decodeJSONLine(text string, line int, file string, fn recordDecoder) (catalog.Record, []catalog.Problem) {
	if fn.canonical && utf8.ValidString(text) {
		if it, ok := catalog.ScanItem(text); ok {
			return catalog.Record{File: file, Line: line, Kind: catalog.KindItem, Item: it}, nil
		}
	}
	return decodeJSONText([]byte(text), line, file, fn)
}

// decodeJSONText checks one record's encoding and syntax, then decodes it
// with fn, filling in the file and line of the record and its problems.
func decodeJSONText(raw []byte, line int, file string, fn recordDecoder) (catalog.Record, []catalog.Problem) {
	if p, ok := checkJSONText(raw); !ok {
		p.File, p.Line = file, line
		return catalog.Record{}, []catalog.Problem{p}
	}
	rec, probs := fn.decode(raw, line)
	for i := range probs {
		probs[i].File, probs[i].Line = file, line
	}
	rec.File, rec.Line = file, line
	return rec, probs
}

// checkJSONText reports invalid UTF-8, a JSON syntax error (with the
// character position within the record) or a record that is not an object.
func checkJSONText(raw []byte) (catalog.Problem, bool) {
	if p, ok := checkJSONSyntax(raw); !ok {
		return p, false
	}
	if t := bytes.TrimLeft(raw, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return catalog.Problem{Message: fmt.Sprintf(msgNotObject, describeJSON(t))}, false
	}
	return catalog.Problem{}, true
}

// checkJSONSyntax reports invalid UTF-8 or a JSON syntax error (with the
// character position within raw) of one JSON value.
func checkJSONSyntax(raw []byte) (catalog.Problem, bool) {
	if !utf8.Valid(raw) {
		return catalog.Problem{Message: fmt.Sprintf(msgInvalidUTF8, invalidUTF8At(raw))}, false
	}
	if json.Valid(raw) {
		return catalog.Problem{}, true
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	var v json.RawMessage
	if err := dec.Decode(&v); err != nil {
		var se *json.SyntaxError
		switch {
		case errors.As(err, &se):
			return catalog.Problem{Message: syntaxMessage(raw, int(se.Offset))}, false
		case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
			return catalog.Problem{Message: fmt.Sprintf(msgJSONTruncated, utf8.RuneCount(raw))}, false
		}
		return catalog.Problem{Message: err.Error()}, false
	}
	if rest := int(dec.InputOffset()); len(bytes.TrimSpace(raw[rest:])) > 0 {
		at := rest + len(raw[rest:]) - len(bytes.TrimLeft(raw[rest:], " \t\r\n"))
		return catalog.Problem{Message: syntaxMessage(raw, at+1)}, false
	}
	return catalog.Problem{}, true
}

// invalidUTF8At returns the 1-based character position of the first byte
// of raw that is not valid UTF-8.
func invalidUTF8At(raw []byte) int {
	pos := 1
	for len(raw) > 0 {
		r, n := utf8.DecodeRune(raw)
		if r == utf8.RuneError && n <= 1 {
			return pos
		}
		raw, pos = raw[n:], pos+1
	}
	return pos
}

// syntaxMessage describes a JSON syntax error found after offset bytes of
// raw (encoding/json's SyntaxError.Offset: the offending byte is the one
// before it), with the character position and a short excerpt.
func syntaxMessage(raw []byte, offset int) string {
	at := min(max(offset-1, 0), len(raw))
	return fmt.Sprintf(msgJSONSyntax, utf8.RuneCount(raw[:at])+1, excerpt(raw, at))
}

// excerpt returns up to ten characters of raw on either side of byte at,
// line breaks and tabs shown as spaces.
func excerpt(raw []byte, at int) string {
	start, end := at, at
	for i := 0; i < 10 && start > 0; i++ {
		_, n := utf8.DecodeLastRune(raw[:start])
		start -= n
	}
	for i := 0; i < 10 && end < len(raw); i++ {
		_, n := utf8.DecodeRune(raw[end:])
		end += n
	}
	return strings.Map(func(r rune) rune {
		if r < ' ' {
			return ' '
		}
		return r
	}, string(raw[start:end]))
}

// describeJSON names the type of a JSON value for a message, with the value
// itself when it is short.
func describeJSON(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return jsonTypeNull
	}
	short := string(raw)
	if utf8.RuneCountInString(short) > 40 {
		short = string([]rune(short)[:40]) + ellipsis
	}
	switch raw[0] {
	case '"':
		return fmt.Sprintf(jsonTypeText, short)
	case '{':
		return jsonTypeObject
	case '[':
		return jsonTypeList
	case 't', 'f':
		return fmt.Sprintf(jsonTypeBool, short)
	case 'n':
		return jsonTypeNull
	}
	return fmt.Sprintf(jsonTypeNumber, short)
}

// streamJSONArray decodes a file that is one JSON array of records. The
// file is read whole (at most MaxFileBytes); each element is a record whose
// line is the line where it starts. A syntax error in the array ends
// decoding there, since the rest cannot be told apart. The error is sink's.
func streamJSONArray(r io.Reader, file string, fn recordDecoder, sink catalog.Sink) error {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		sink.Problem(catalog.Problem{File: file, Message: fmt.Sprintf(msgReadFailed, err)})
		return nil
	}
	if len(data) > MaxFileBytes {
		sink.Problem(catalog.Problem{File: file, Message: fmt.Sprintf(msgArrayTooLarge, MaxFileBytes)})
		return nil
	}
	// Line numbers are counted incrementally: pos/line is the last place counted.
	pos, line := 0, 1
	lineAt := func(off int) int {
		line += bytes.Count(data[pos:off], []byte("\n"))
		pos = off
		return line
	}
	fail := func(off int, err error) {
		off = min(max(off, 0), len(data))
		n := lineAt(off)
		lineStart := bytes.LastIndexByte(data[:off], '\n') + 1
		msg := err.Error()
		var se *json.SyntaxError
		if errors.As(err, &se) {
			col := utf8.RuneCount(data[lineStart:max(off-1, lineStart)]) + 1
			msg = fmt.Sprintf(msgJSONSyntax, col, excerpt(data, max(off-1, 0)))
		} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			msg = fmt.Sprintf(msgJSONTruncated, utf8.RuneCount(data[lineStart:]))
		}
		sink.Problem(catalog.Problem{File: file, Line: n, Message: msg + msgArrayAbandoned})
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if _, err := dec.Token(); err != nil { // the opening "["
		fail(int(dec.InputOffset()), err)
		return nil
	}
	for dec.More() {
		start := int(dec.InputOffset())
		for start < len(data) && strings.IndexByte(" \t\r\n,", data[start]) >= 0 {
			start++
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				fail(int(se.Offset), err)
			} else {
				fail(len(data), err)
			}
			return nil
		}
		n := lineAt(start)
		if len(raw) > MaxRecordBytes {
			sink.Problem(catalog.Problem{File: file, Line: n, Message: fmt.Sprintf(msgLineTooLong, len(raw), MaxRecordBytes)})
			continue
		}
		rec, probs := decodeJSONLine(string(raw), n, file, fn)
		if len(probs) > 0 {
			for _, p := range probs {
				sink.Problem(p)
			}
			continue
		}
		if err := sink.Record(rec); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing "]"
		fail(int(dec.InputOffset()), err)
		return nil
	}
	if rest := bytes.TrimSpace(data[dec.InputOffset():]); len(rest) > 0 {
		sink.Problem(catalog.Problem{File: file, Line: lineAt(len(data) - len(rest)), Message: msgArrayTrailing})
	}
	return nil
}
