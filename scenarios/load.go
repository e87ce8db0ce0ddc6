package scenarios

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/tcpsim/tcpsim/tcp"
)

// builtin holds the built-in scenarios, one file per scenario, named after it.
//
//go:embed *.yaml
var builtin embed.FS

// Info describes a built-in scenario.
type Info struct {
	Name        string
	Description string
}

// Load loads a built-in scenario by name ("lost-segment") or a scenario
// file by path ("lessons/slow-start.yaml"). A name with a slash or a .yaml
// or .yml extension is a path; any other is a built-in's name, or failing
// that a file's (a name that is both is an error: ./NAME is the file). For
// bad input the error is an ErrorList.
func Load(nameOrPath string) (*Scenario, error) {
	return LoadWith(nameOrPath, Options{})
}

// Options change how a scenario is read.
type Options struct {
	// Profile, when set, is the behaviour profile of both endpoints,
	// whatever the file says ("rfc" or "linux").
	Profile string
	// Overrides set keys as if the file said so, in order (a later one
	// wins). A problem with one is reported under its Source and Path,
	// not at a place in the file. The values of the file's sweep block are
	// checked only when there are none (a sweep's runs set them).
	Overrides []Override
}

// LoadWith is Load with options.
func LoadWith(nameOrPath string, o Options) (*Scenario, error) {
	if o.Profile != "" && !slices.Contains(tcp.Profiles, o.Profile) {
		return nil, ErrorList{{File: nameOrPath, Msg: fmt.Sprintf("unknown profile %q; a profile is rfc or linux", o.Profile)}}
	}
	isPath := strings.ContainsAny(nameOrPath, `/\`) || hasYAMLExt(nameOrPath)
	if !isPath {
		if src, err := builtin.ReadFile(nameOrPath + ".yaml"); err == nil {
			// A file of this name would be shadowed: neither may win silently.
			if info, err := os.Stat(nameOrPath); err == nil && !info.IsDir() {
				return nil, ErrorList{{File: nameOrPath, Msg: "is both a built-in scenario and a file here; write ./" + nameOrPath + " for the file, or rename the file to run the built-in"}}
			}
			return ParseWith(nameOrPath+".yaml", src, o)
		}
	}
	src, err := readFile(nameOrPath, isPath)
	if err != nil {
		return nil, err
	}
	return ParseWith(nameOrPath, src, o)
}

// readFile reads a scenario file. Only a regular file is read, and never
// more than one byte past maxFileSize, whatever its size said: a device
// such as /dev/zero, or a file that grows, cannot exhaust memory. isPath
// says whether the user wrote a path, for the message when there is no
// such file.
func readFile(path string, isPath bool) ([]byte, error) {
	fail := func(msg string) error { return ErrorList{{File: path, Msg: msg}} }
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !isPath:
		return nil, fail("no built-in scenario has this name" + didYouMean(path) + ", and there is no file of this name; the built-ins are " + strings.Join(names(), ", "))
	case errors.Is(err, fs.ErrNotExist):
		return nil, fail("no such file")
	case err != nil:
		return nil, fail("cannot read the file: " + unwrapPathError(err))
	case info.IsDir():
		return nil, fail("is a directory; give a scenario file (.yaml) or a built-in scenario's name")
	case !info.Mode().IsRegular():
		// Checked before opening: opening a named pipe waits for a writer.
		return nil, fail(notRegular(info.Mode()))
	case info.Size() > maxFileSize:
		return nil, fail(fmt.Sprintf("the file is %d bytes; a scenario file is at most %d", info.Size(), maxFileSize))
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fail("cannot read the file: " + unwrapPathError(err))
	}
	defer f.Close()
	// What was opened may not be what was looked at.
	if info, err := f.Stat(); err == nil && !info.Mode().IsRegular() {
		return nil, fail(notRegular(info.Mode()))
	}
	src, msg := readLimited(f)
	if msg != "" {
		return nil, fail(msg)
	}
	return src, nil
}

// readLimited reads r to its end or to one byte past maxFileSize, and
// says what is wrong when it could not or there was more.
func readLimited(r io.Reader) ([]byte, string) {
	src, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	switch {
	case err != nil:
		return nil, "cannot read the file: " + unwrapPathError(err)
	case len(src) > maxFileSize:
		return nil, fmt.Sprintf("the file is more than %d bytes; a scenario file is at most %d", maxFileSize, maxFileSize)
	}
	return src, ""
}

// notRegular is the message for a file that is not a regular one.
func notRegular(m fs.FileMode) string {
	what := "a special file"
	switch {
	case m&fs.ModeDevice != 0:
		what = "a device"
	case m&fs.ModeNamedPipe != 0:
		what = "a named pipe"
	case m&fs.ModeSocket != 0:
		what = "a socket"
	}
	return "not a regular file (" + what + "); a scenario is a YAML file, or a built-in scenario's name"
}

func hasYAMLExt(p string) bool {
	ext := strings.ToLower(filepath.Ext(p))
	return ext == ".yaml" || ext == ".yml"
}

// unwrapPathError drops the "open NAME: " the message would repeat.
func unwrapPathError(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Parse parses, checks and fills in the defaults of a scenario. file names
// the source in messages, and its base name without extension is the
// scenario's name when the file gives none. For bad input the error is an
// ErrorList of every problem found (up to 20).
func Parse(file string, src []byte) (*Scenario, error) {
	return ParseWith(file, src, Options{})
}

// ParseWith is Parse with options.
func ParseWith(file string, src []byte, o Options) (*Scenario, error) {
	if file == "" {
		file = "<input>"
	}
	// Windows editors start a UTF-8 file with a byte order mark; it is no
	// part of the first key, nor a column.
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	d := newDecoder(file, src)
	d.profileOverride = o.Profile
	d.overrides = o.Overrides
	if len(src) > maxFileSize {
		d.errorAtPos(0, 0, "", fmt.Sprintf("the file is %d bytes; a scenario file is at most %d", len(src), maxFileSize))
		return nil, d.result()
	}
	if bytes.HasPrefix(src, []byte{0xff, 0xfe}) || bytes.HasPrefix(src, []byte{0xfe, 0xff}) {
		d.errorAtPos(0, 0, "", "the file is UTF-16 text; save it as UTF-8")
		return nil, d.result()
	}
	root, ok := d.parse(src)
	if !ok {
		return nil, d.result()
	}
	sc := d.scenario(root, defaultName(file))
	if len(d.errs) == 0 && sc.Sweep != nil && len(o.Overrides) == 0 {
		d.checkSweep(src, defaultName(file), sc.Sweep)
	}
	if err := d.result(); err != nil {
		return nil, err
	}
	return sc, nil
}

// checkTCP reports, at the endpoint's section v, TCP settings c that
// tcp.Config.Validate refuses. The checks of the keys should have refused
// every such setting already, naming the key: a report here is a gap in
// them.
func (d *decoder) checkTCP(v value, c tcp.Config) {
	if err := c.Validate(); err != nil {
		d.errorf(v, "the TCP settings are not valid: %v; the loader should have named the key: please report this file", err)
	}
}

// defaultName is a file's base name without its extension (either
// separator ends a directory), made a safe name (see nameProblem).
func defaultName(file string) string {
	base := file[strings.LastIndexAny(file, `/\`)+1:]
	if hasYAMLExt(base) {
		base = strings.TrimSuffix(base, filepath.Ext(base))
	}
	base = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == utf8.RuneError {
			return '_'
		}
		return r
	}, base)
	base = strings.ReplaceAll(base, "..", "_")
	if r := []rune(base); len(r) > maxNameRunes {
		base = string(r[:maxNameRunes])
	}
	if base == "" || base == "." || base == "<input>" {
		return "scenario"
	}
	return base
}

// maxNameRunes is the longest name, in characters.
const maxNameRunes = 100

// nameProblem says why s cannot name files, or "": the outputs are files
// named after the scenario (tcpsim run -o DIR writes DIR/NAME.svg …), so a
// name may not leave DIR (/, \, ..) nor hold a control character or bytes
// that are not UTF-8.
func nameProblem(s string) string {
	if i := strings.IndexAny(s, `/\`); i >= 0 {
		return fmt.Sprintf("has %q", s[i:i+1])
	}
	if strings.Contains(s, "..") {
		return `has ".."`
	}
	if !utf8.ValidString(s) {
		return "is not UTF-8 text"
	}
	if i := strings.IndexFunc(s, unicode.IsControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Sprintf("has a control character (%U)", r)
	}
	return ""
}

// names lists the built-in scenarios' names, sorted.
func names() []string {
	entries, _ := builtin.ReadDir(".")
	var ns []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), ".yaml") {
			ns = append(ns, strings.TrimSuffix(e.Name(), ".yaml"))
		}
	}
	slices.Sort(ns)
	return ns
}

// didYouMean suggests the built-in nearest to a mistyped name.
func didYouMean(name string) string {
	if s := suggest(name, names()); s != "" {
		return fmt.Sprintf(" (did you mean %s?)", s)
	}
	return ""
}

// List returns the built-in scenarios sorted by name. A built-in that does
// not load (the tests keep that from happening) is listed with its error as
// its description.
func List() []Info {
	var infos []Info
	for _, n := range names() {
		sc, err := Load(n)
		if err != nil {
			infos = append(infos, Info{Name: n, Description: "(does not load: " + strings.SplitN(err.Error(), "\n", 2)[0] + ")"})
			continue
		}
		infos = append(infos, Info{Name: n, Description: sc.Description})
	}
	return infos
}

// Source returns the YAML of a built-in scenario, as embedded.
func Source(name string) ([]byte, error) {
	src, err := builtin.ReadFile(name + ".yaml")
	if err != nil || strings.ContainsAny(name, `/\`) || name == "" {
		return nil, ErrorList{{File: name, Msg: "no built-in scenario has this name" + didYouMean(name) + "; the built-ins are " + strings.Join(names(), ", ")}}
	}
	return src, nil
}
