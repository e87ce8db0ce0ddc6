package scenarios

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

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
// that a file's. For bad input the error is an ErrorList.
func Load(nameOrPath string) (*Scenario, error) {
	return LoadWith(nameOrPath, Options{})
}

// Options change how a scenario is read.
type Options struct {
	// Profile, when set, is the behaviour profile of both endpoints,
	// whatever the file says ("rfc" or "linux").
	Profile string
}

// LoadWith is Load with options.
func LoadWith(nameOrPath string, o Options) (*Scenario, error) {
	if o.Profile != "" && !slices.Contains(tcp.Profiles, o.Profile) {
		return nil, ErrorList{{File: nameOrPath, Msg: fmt.Sprintf("unknown profile %q; a profile is rfc or linux", o.Profile)}}
	}
	isPath := strings.ContainsAny(nameOrPath, `/\`) || hasYAMLExt(nameOrPath)
	if !isPath {
		if src, err := builtin.ReadFile(nameOrPath + ".yaml"); err == nil {
			return ParseWith(nameOrPath+".yaml", src, o)
		}
	}
	info, err := os.Stat(nameOrPath)
	switch {
	case err == nil && info.IsDir():
		return nil, ErrorList{{File: nameOrPath, Msg: "is a directory; give a scenario file (.yaml) or a built-in scenario's name"}}
	case err == nil && info.Size() > maxFileSize:
		return nil, ErrorList{{File: nameOrPath, Msg: fmt.Sprintf("the file is %d bytes; a scenario file is at most %d", info.Size(), maxFileSize)}}
	case err == nil:
		src, err := os.ReadFile(nameOrPath)
		if err != nil {
			return nil, ErrorList{{File: nameOrPath, Msg: "cannot read the file: " + unwrapPathError(err)}}
		}
		return ParseWith(nameOrPath, src, o)
	case errors.Is(err, fs.ErrNotExist) && !isPath:
		return nil, ErrorList{{File: nameOrPath, Msg: "no built-in scenario has this name" + didYouMean(nameOrPath) + ", and there is no file of this name; the built-ins are " + strings.Join(names(), ", ")}}
	case errors.Is(err, fs.ErrNotExist):
		return nil, ErrorList{{File: nameOrPath, Msg: "no such file"}}
	default:
		return nil, ErrorList{{File: nameOrPath, Msg: "cannot read the file: " + unwrapPathError(err)}}
	}
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
	d := newDecoder(file, src)
	d.profileOverride = o.Profile
	if len(src) > maxFileSize {
		d.errorAtPos(0, 0, "", fmt.Sprintf("the file is %d bytes; a scenario file is at most %d", len(src), maxFileSize))
		return nil, d.result()
	}
	root, ok := d.parse(src)
	if !ok {
		return nil, d.result()
	}
	sc := d.scenario(root, defaultName(file))
	if err := d.result(); err != nil {
		return nil, err
	}
	return sc, nil
}

// defaultName is a file's base name without its extension.
func defaultName(file string) string {
	base := filepath.Base(file)
	if hasYAMLExt(base) {
		base = strings.TrimSuffix(base, filepath.Ext(base))
	}
	if base == "" || base == "." || base == "/" || base == "<input>" {
		return "scenario"
	}
	return base
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
