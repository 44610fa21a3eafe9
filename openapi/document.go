package openapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"gopkg.in/yaml.v3"
)

// format is the serialisation of a document.
type format int

const (
	formatJSON format = iota
	formatYAML
)

// maxDepth bounds nesting so hostile input cannot exhaust the stack.
const maxDepth = 1000

// maxNodes bounds alias expansion when a YAML document is written as JSON.
const maxNodes = 10_000_000

// document is a parsed document: a yaml.Node tree for both formats, so one
// set of rules patches both and key order is kept.
type document struct {
	root   *yaml.Node // the top-level mapping
	doc    *yaml.Node // the YAML document node (nil for JSON)
	format format
	indent string // JSON indentation of the input; "" for compact
	eol    bool   // the input ended with a newline
	src    []byte
}

// parseDocument detects the format of b and parses it.
func parseDocument(b []byte) (*document, error) {
	trimmed := bytes.TrimSpace(b)
	if len(trimmed) == 0 {
		return nil, docErr("document", "empty input: pass a swagger 2.0 or openapi 3 document in JSON or YAML")
	}
	d := &document{eol: bytes.HasSuffix(b, []byte("\n")), src: b}
	if trimmed[0] == '{' || trimmed[0] == '[' {
		d.format = formatJSON
		d.indent = detectIndent(trimmed)
		n, err := parseJSON(trimmed)
		if err != nil {
			return nil, err
		}
		d.root = n
	} else {
		d.format = formatYAML
		var n yaml.Node
		if err := safeYAML(func() error { return yaml.Unmarshal(b, &n) }); err != nil {
			return nil, &DocumentError{Location: "document", Message: "not valid YAML", Err: err}
		}
		if n.Kind != yaml.DocumentNode || len(n.Content) != 1 {
			return nil, docErr("document", "no YAML document found")
		}
		d.doc = &n
		d.root = resolve(n.Content[0])
	}
	if d.root == nil || d.root.Kind != yaml.MappingNode {
		return nil, docErr("document", "the top level must be an object")
	}
	return d, nil
}

// safeYAML turns a panic inside yaml.v3 into an error.
func safeYAML(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	return f()
}

// detectIndent returns the indentation of the first nested line of a JSON
// text, or "" when it is on one line.
func detectIndent(b []byte) string {
	i := bytes.IndexByte(b, '\n')
	if i < 0 {
		return ""
	}
	j := i + 1
	for j < len(b) && (b[j] == ' ' || b[j] == '\t') {
		j++
	}
	if j == i+1 {
		return ""
	}
	return string(b[i+1 : j])
}

// parseJSON decodes a JSON text into a yaml.Node tree, keeping key order and
// number literals.
func parseJSON(b []byte) (*yaml.Node, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	n, err := readJSON(dec, 0)
	if err != nil {
		return nil, jsonErr(dec, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &DocumentError{Location: "document", Message: fmt.Sprintf("unexpected data after the top-level value at byte %d", dec.InputOffset())}
	}
	return n, nil
}

func jsonErr(dec *json.Decoder, err error) error {
	var de *DocumentError
	if errors.As(err, &de) {
		return err
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return &DocumentError{Location: "document", Message: fmt.Sprintf("not valid JSON near byte %d", dec.InputOffset()), Err: err}
}

func readJSON(dec *json.Decoder, depth int) (*yaml.Node, error) {
	if depth > maxDepth {
		return nil, docErr("document", "nested deeper than %d levels", maxDepth)
	}
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		switch v {
		case '{':
			n := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return nil, err
				}
				key, ok := kt.(string)
				if !ok {
					return nil, fmt.Errorf("object key is not a string")
				}
				val, err := readJSON(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, strNode(key), val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		case '[':
			n := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
			for dec.More() {
				val, err := readJSON(dec, depth+1)
				if err != nil {
					return nil, err
				}
				n.Content = append(n.Content, val)
			}
			if _, err := dec.Token(); err != nil {
				return nil, err
			}
			return n, nil
		}
		return nil, fmt.Errorf("unexpected %v", v)
	case string:
		return strNode(v), nil
	case json.Number:
		tag := "!!int"
		if strings.ContainsAny(string(v), ".eE") {
			tag = "!!float"
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: string(v)}, nil
	case bool:
		if v {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "true"}, nil
		}
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!bool", Value: "false"}, nil
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
	}
	return nil, fmt.Errorf("unexpected token %v", tok)
}

// encode writes the document in its input format.
func (d *document) encode() ([]byte, error) {
	if d.format == formatYAML {
		return d.encodeYAML()
	}
	return d.encodeJSON(d.indent, d.eol)
}

// encodeYAML writes the document as YAML, whatever its input format.
func (d *document) encodeYAML() ([]byte, error) {
	node := d.doc
	if node == nil {
		node = &yaml.Node{Kind: yaml.DocumentNode, Content: []*yaml.Node{d.root}}
	}
	var buf bytes.Buffer
	err := safeYAML(func() error {
		enc := yaml.NewEncoder(&buf)
		enc.SetIndent(2)
		if err := enc.Encode(node); err != nil {
			return err
		}
		return enc.Close()
	})
	if err != nil {
		return nil, &DocumentError{Location: "document", Message: "cannot be written as YAML", Err: err}
	}
	return unescapeIcon(buf.Bytes(), d.src), nil
}

// encodeJSON writes the document as JSON, whatever its input format.
func (d *document) encodeJSON(indent string, eol bool) ([]byte, error) {
	w := jsonWriter{fromYAML: d.format == formatYAML}
	if err := w.write(d.root, 0); err != nil {
		return nil, err
	}
	out := w.buf.Bytes()
	if indent != "" {
		var ind bytes.Buffer
		if err := json.Indent(&ind, out, "", indent); err != nil {
			return nil, fmt.Errorf("write json: %w", err)
		}
		out = ind.Bytes()
	}
	if eol {
		out = append(out, '\n')
	}
	return out, nil
}

type jsonWriter struct {
	buf      bytes.Buffer
	fromYAML bool
	nodes    int
}

func (w *jsonWriter) write(n *yaml.Node, depth int) error {
	w.nodes++
	if depth > maxDepth || w.nodes > maxNodes {
		return docErr("document", "too deeply nested or too many aliases to write as JSON")
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			w.buf.WriteString("null")
			return nil
		}
		return w.write(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return docErr("document", "alias without an anchor")
		}
		return w.write(n.Alias, depth+1)
	case yaml.MappingNode:
		w.buf.WriteByte('{')
		for i := 0; i+1 < len(n.Content); i += 2 {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			k := resolve(n.Content[i])
			if k == nil || k.Kind != yaml.ScalarNode {
				return docErr("document", "an object key must be a scalar to be written as JSON")
			}
			w.writeString(k.Value)
			w.buf.WriteByte(':')
			if err := w.write(n.Content[i+1], depth+1); err != nil {
				return err
			}
		}
		w.buf.WriteByte('}')
		return nil
	case yaml.SequenceNode:
		w.buf.WriteByte('[')
		for i, c := range n.Content {
			if i > 0 {
				w.buf.WriteByte(',')
			}
			if err := w.write(c, depth+1); err != nil {
				return err
			}
		}
		w.buf.WriteByte(']')
		return nil
	case yaml.ScalarNode:
		return w.writeScalar(n)
	}
	return docErr("document", "unknown node kind %d", n.Kind)
}

func (w *jsonWriter) writeScalar(n *yaml.Node) error {
	switch n.ShortTag() {
	case "!!null":
		w.buf.WriteString("null")
		return nil
	case "!!bool", "!!int", "!!float":
		if !w.fromYAML {
			w.buf.WriteString(n.Value)
			return nil
		}
		var v any
		if err := safeYAML(func() error { return n.Decode(&v) }); err != nil {
			return &DocumentError{Location: "document", Message: fmt.Sprintf("value %q cannot be written as JSON", n.Value), Err: err}
		}
		if f, ok := v.(float64); ok && (math.IsInf(f, 0) || math.IsNaN(f)) {
			return docErr("document", "value %q cannot be written as JSON", n.Value)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return &DocumentError{Location: "document", Message: fmt.Sprintf("value %q cannot be written as JSON", n.Value), Err: err}
		}
		w.buf.Write(b)
		return nil
	}
	w.writeString(n.Value)
	return nil
}

func (w *jsonWriter) writeString(s string) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	w.buf.Write(bytes.TrimSuffix(b.Bytes(), []byte("\n")))
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxDepth; i++ {
		n = n.Alias
	}
	if n != nil && n.Kind == yaml.AliasNode {
		return nil
	}
	return n
}

func strNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s}
	if strings.Contains(s, "\n") {
		n.Style = yaml.LiteralStyle
	}
	return n
}

// get returns the value of key in mapping m, following aliases.
func get(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := resolve(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			return resolve(m.Content[i+1])
		}
	}
	return nil
}

// set replaces the value of key in mapping m, or appends the pair.
func set(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := resolve(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, strNode(key), v)
}

// remove deletes key from mapping m, if it is there.
func remove(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := resolve(m.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// setString sets key to the string s.
func setString(m *yaml.Node, key, s string) { set(m, key, strNode(s)) }

// stringAt returns the string value of key, "" when absent or not a string.
func stringAt(m *yaml.Node, key string) string {
	v := get(m, key)
	if v == nil || v.Kind != yaml.ScalarNode || v.ShortTag() == "!!null" {
		return ""
	}
	return v.Value
}

// escapedIcon is how yaml.v3 writes the maintenance icon: it escapes every
// character outside the Basic Multilingual Plane.
var escapedIcon = []byte(`\U0001F527`)

// unescapeIcon writes the icon as itself. The escape only ever appears
// inside double-quoted scalars, where both forms mean the same, unless the
// input already held the escape text literally; then the output is left as
// it is.
func unescapeIcon(out, src []byte) []byte {
	if bytes.Contains(src, escapedIcon) {
		return out
	}
	return bytes.ReplaceAll(out, escapedIcon, []byte("🔧"))
}
