// Package tableprinter prints aligned tables for people. Cells may carry
// ANSI colours: widths are measured on the visible text.
package tableprinter

import (
	"io"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Table collects rows and prints them with aligned columns.
type Table struct {
	w      io.Writer
	header []string
	rows   [][]string
	bold   func(string) string
}

// New returns a table with a header row; bold styles the header (nil for
// plain).
func New(w io.Writer, bold func(string) string, header ...string) *Table {
	return &Table{w: w, header: header, bold: bold}
}

// AddRow adds a row; missing cells are empty.
func (t *Table) AddRow(cells ...string) { t.rows = append(t.rows, cells) }

// Len is the number of rows.
func (t *Table) Len() int { return len(t.rows) }

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func width(s string) int { return utf8.RuneCountInString(ansi.ReplaceAllString(s, "")) }

// Render prints the header and rows, columns separated by two spaces.
// Newlines inside cells are replaced by spaces.
func (t *Table) Render() error {
	all := append([][]string{t.header}, t.rows...)
	widths := make([]int, len(t.header))
	for _, row := range all {
		for i, c := range row {
			if i < len(widths) {
				widths[i] = max(widths[i], width(clean(c)))
			}
		}
	}
	var b strings.Builder
	for r, row := range all {
		for i := range widths {
			c := ""
			if i < len(row) {
				c = clean(row[i])
			}
			if r == 0 && t.bold != nil {
				c = t.bold(c)
			}
			b.WriteString(c)
			if i < len(widths)-1 {
				b.WriteString(strings.Repeat(" ", widths[i]-width(c)+2))
			}
		}
		line := strings.TrimRight(b.String(), " ")
		b.Reset()
		if _, err := io.WriteString(t.w, line+"\n"); err != nil {
			return err
		}
	}
	return nil
}

func clean(s string) string { return strings.NewReplacer("\r", " ", "\n", " ", "\t", " ").Replace(s) }

// KeyValues prints "key: value" lines with the keys aligned.
func KeyValues(w io.Writer, pairs [][2]string) error {
	n := 0
	for _, p := range pairs {
		n = max(n, width(p[0]))
	}
	for _, p := range pairs {
		if _, err := io.WriteString(w, p[0]+":"+strings.Repeat(" ", n-width(p[0])+1)+clean(p[1])+"\n"); err != nil {
			return err
		}
	}
	return nil
}
