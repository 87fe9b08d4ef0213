package main

import (
	"strings"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"
)

// LoadPolicyFromBytes reports a strict-decoding problem (unknown field,
// duplicate key) only as a klog warning before falling back to lenient
// decoding. Routing klog into this sink keeps stdout clean for the protocol
// and lets the oracle hand that warning text back to the client.
type capturedLog struct {
	messages []string
}

var warnings = &capturedLog{}

// lenientPrefix is the text LoadPolicyFromBytes puts before the strict error.
const lenientPrefix = "Audit policy contains errors, falling back to lenient decoding: "

func (c *capturedLog) reset() { c.messages = c.messages[:0] }

func (c *capturedLog) strictDecodingError() string {
	for _, m := range c.messages {
		if strings.HasPrefix(m, lenientPrefix) {
			return strings.TrimPrefix(m, lenientPrefix)
		}
	}
	return ""
}

func silenceKlog() {
	klog.SetLogger(logr.New(warnings))
}

func (c *capturedLog) Init(logr.RuntimeInfo)  {}
func (c *capturedLog) Enabled(level int) bool { return level == 0 }
func (c *capturedLog) Info(_ int, msg string, _ ...any) {
	c.messages = append(c.messages, msg)
}
func (c *capturedLog) Error(_ error, msg string, _ ...any) {
	c.messages = append(c.messages, msg)
}
func (c *capturedLog) WithValues(...any) logr.LogSink { return c }
func (c *capturedLog) WithName(string) logr.LogSink   { return c }
