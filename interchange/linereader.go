package interchange

import (
	"bufio"
	"bytes"
	"io"
)

// utf8BOM is the byte order mark some editors (and Excel's "CSV UTF-8")
// put at the start of a file; decoders accept it silently.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// lineReader reads a stream line by line without bufio.Scanner's token
// limit: a line longer than MaxRecordBytes is consumed and counted but not
// kept, so a huge line costs no memory beyond the reader's buffer.
type lineReader struct {
	br   *bufio.Reader
	buf  []byte
	line int // number of the line last returned, 1-based
	err  error
}

func newLineReader(r io.Reader) *lineReader {
	return &lineReader{br: bufio.NewReaderSize(r, 64<<10)}
}

// next returns the next line without its "\n" or "\r\n" (and without a
// leading byte order mark on line 1). size is the line's length in bytes;
// when it exceeds MaxRecordBytes, line is nil. ok is false at the end of the
// input or on a read error (then lr.err is set).
func (lr *lineReader) next() (line []byte, size int, ok bool) {
	lr.buf = lr.buf[:0]
	over, read := false, false
	for {
		chunk, err := lr.br.ReadSlice('\n')
		if len(chunk) > 0 {
			read = true
		}
		size += len(chunk)
		if !over {
			if len(lr.buf)+len(chunk) > MaxRecordBytes+len(utf8BOM)+2 { // room for a BOM and "\r\n"
				over, lr.buf = true, lr.buf[:0]
			} else {
				lr.buf = append(lr.buf, chunk...)
			}
		}
		if err == bufio.ErrBufferFull {
			continue
		}
		if err != nil && err != io.EOF {
			lr.err = err
			return nil, 0, false
		}
		if !read {
			return nil, 0, false // end of input
		}
		break
	}
	lr.line++
	line = lr.buf
	if bytes.HasSuffix(line, []byte("\n")) {
		line, size = line[:len(line)-1], size-1
		if bytes.HasSuffix(line, []byte("\r")) {
			line, size = line[:len(line)-1], size-1
		}
	}
	if lr.line == 1 && bytes.HasPrefix(line, utf8BOM) {
		line, size = line[len(utf8BOM):], size-len(utf8BOM)
	}
	if over || size > MaxRecordBytes {
		return nil, size, true
	}
	return line, size, true
}
