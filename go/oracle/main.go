// Command oracle answers audit-policy questions with kube-apiserver's own code
// (k8s.io/apiserver, built once per supported version), one JSON line in, one JSON line out, so the
// TypeScript implementation can be differentially tested against upstream.
// The protocol is documented in README.md beside this file.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

func main() {
	silenceKlog()
	if err := serve(os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "oracle:", err)
		os.Exit(1)
	}
}

// serve reads requests until EOF. Output is flushed whenever no further input
// is already buffered, so a client streaming a batch pays one write per batch
// while an interactive client still gets each answer at once.
func serve(in io.Reader, out io.Writer) error {
	reader := bufio.NewReaderSize(in, 1<<20)
	writer := bufio.NewWriterSize(out, 1<<20)
	defer writer.Flush()
	state := newSession()
	for {
		line, err := reader.ReadBytes('\n')
		if len(trimSpace(line)) > 0 {
			answer := state.handle(line)
			encoded, encErr := json.Marshal(answer)
			if encErr != nil {
				encoded, _ = json.Marshal(map[string]any{"ok": false, "error": "oracle: cannot encode answer: " + encErr.Error()})
			}
			writer.Write(encoded)
			writer.WriteByte('\n')
		}
		if reader.Buffered() == 0 {
			if flushErr := writer.Flush(); flushErr != nil {
				return flushErr
			}
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
	}
}

func trimSpace(b []byte) []byte {
	start, end := 0, len(b)
	for start < end && (b[start] == ' ' || b[start] == '\t' || b[start] == '\r' || b[start] == '\n') {
		start++
	}
	for end > start && (b[end-1] == ' ' || b[end-1] == '\t' || b[end-1] == '\r' || b[end-1] == '\n') {
		end--
	}
	return b[start:end]
}
