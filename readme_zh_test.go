package tcredit_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReadmeTranslationInStep fails when README.zh-CN.md drifts from README.md:
// both have the same number of sections, the same code blocks byte for byte in
// the same order, and each links the other.
func TestReadmeTranslationInStep(t *testing.T) {
	en := readMarkdown(t, "README.md")
	zh := readMarkdown(t, "README.zh-CN.md")

	assert.Equal(t, len(en.sections), len(zh.sections),
		"number of sections: README.md has %q, README.zh-CN.md has %q", en.sections, zh.sections)
	assert.Equal(t, len(en.code), len(zh.code), "number of code blocks")
	for i := 0; i < len(en.code) && i < len(zh.code); i++ {
		assert.Equal(t, en.code[i], zh.code[i], "code block %d of README.zh-CN.md differs from README.md's", i+1)
	}
	assert.True(t, strings.Contains(en.text, "](README.zh-CN.md)"), "README.md does not link README.zh-CN.md")
	assert.True(t, strings.Contains(zh.text, "](README.md)"), "README.zh-CN.md does not link README.md")
}

// markdown is what TestReadmeTranslationInStep compares in a README.
type markdown struct {
	text     string
	sections []string // "## " headings outside code blocks
	code     []string // fenced code blocks, fences included
}

// readMarkdown reads the sections, code blocks and text of the file name.
func readMarkdown(t *testing.T, name string) markdown {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	md := markdown{text: string(b)}
	var block []string
	for _, line := range strings.Split(md.text, "\n") {
		switch {
		case block != nil:
			block = append(block, line)
			if strings.TrimSpace(line) == "```" {
				md.code = append(md.code, strings.Join(block, "\n"))
				block = nil
			}
		case strings.HasPrefix(line, "```"):
			block = []string{line}
		case strings.HasPrefix(line, "## "):
			md.sections = append(md.sections, line)
		}
	}
	require.Nil(t, block, "%s: a code block is not closed", name)
	return md
}
