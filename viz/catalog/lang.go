// Package catalog is what every output of tcpsim says the same way: the
// message catalogue (each phrase in each language, looked up by a Msg), the
// notes and reasons for the trace's events (drops, aborts, application
// calls, host and link events, segment labels), times in seconds, and
// sequence numbers, absolute or relative to each side's initial sequence
// number (ISNs learns them).
//
// The outputs (viz/ladder, viz/diagram, viz/plot, viz/textdiagram) take
// their words from here, so that they agree, and so that a translation is
// one more file: messages_LANG.go with a complete catalogue, and one line
// in catalogues. Protocol words (SYN, ACK, seq, RFC 9293 state names) stay
// as they are in every language.
//
// catalog reads the trace and nothing else of the simulator: it imports
// trace, wire and sim.
package catalog

import (
	"fmt"
	"strings"
)

// Lang is a language of the outputs, named by its ISO 639-1 code. The zero
// value means English.
type Lang string

// The languages, each with a complete catalogue in messages_LANG.go.
const (
	English    Lang = "en"
	Vietnamese Lang = "vi"
)

// catalogues lists every language with its catalogue, English first. A new
// language is one more file holding a complete catalogue, and one line here.
var catalogues = []struct {
	lang Lang
	p    *Phrases
}{
	{English, &english},
	{Vietnamese, &vietnamese},
}

// Languages returns the languages the outputs speak, English first.
func Languages() []Lang {
	ls := make([]Lang, len(catalogues))
	for i, c := range catalogues {
		ls[i] = c.lang
	}
	return ls
}

// ParseLang returns the language with code s ("en", "vi"; any case).
func ParseLang(s string) (Lang, error) {
	if p := Lang(s).lookup(); p != nil && s != "" {
		for _, l := range catalogues {
			if l.p == p {
				return l.lang, nil
			}
		}
	}
	var names []string
	for _, c := range catalogues {
		names = append(names, string(c.lang)+" ("+c.p.Str(MsgLangName)+")")
	}
	return "", fmt.Errorf("unknown language %q; the languages are %s", s, strings.Join(names, ", "))
}

// Name returns the language's name in itself ("English", "Tiếng Việt"), or
// its code when the catalogue does not know it.
func (l Lang) Name() string {
	if p := l.lookup(); p != nil {
		return p.Str(MsgLangName)
	}
	return string(l)
}

// lookup returns the language's catalogue (its code in any case, with
// spaces around), English for "", or nil for a language it does not know.
func (l Lang) lookup() *Phrases {
	code := Lang(strings.ToLower(strings.TrimSpace(string(l))))
	if code == "" {
		return &english
	}
	for _, c := range catalogues {
		if c.lang == code {
			return c.p
		}
	}
	return nil
}

// Phrases returns the language's catalogue; English for a language it does
// not know (ParseLang and Check say so).
func (l Lang) Phrases() *Phrases {
	if p := l.lookup(); p != nil {
		return p
	}
	return &english
}

// Check returns an error for a language the catalogue does not know.
func (l Lang) Check() error {
	if l.lookup() == nil {
		_, err := ParseLang(string(l))
		return err
	}
	return nil
}
