package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/tcpsim/tcpsim/scenarios/sweep"
)

// mergeOptions are the flags and arguments of 'tcpsim merge'.
type mergeOptions struct {
	files  []string
	output string // "" or "-" for stdout
}

func newMergeCmd(stdout io.Writer) *cobra.Command {
	o := &mergeOptions{}
	cmd := &cobra.Command{
		Use:     "merge FILE.csv…",
		Short:   "Join the CSVs of a sweep's shards into one, in grid order, checking that no run is missing or given twice",
		Example: "tcpsim merge shard-*.csv -o sweep.csv",
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return argsError{fmt.Sprintf("%s needs the CSV files of the shards; for example: %s", cmd.CommandPath(), cmd.Example)}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			o.files = args
			return runMerge(o, stdout)
		},
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the merged CSV to `FILE` (default: stdout)")
	return cmd
}

// runMerge reads every file, checks them (exit status 2 when they are not
// one sweep's, whole) and writes the merged CSV (1 when it cannot).
func runMerge(o *mergeOptions, stdout io.Writer) error {
	var inputs []sweep.Input
	for _, name := range o.files {
		if o.output != "" && o.output != "-" && sameFile(name, o.output) {
			return usageError{fmt.Errorf("%s is both an input and the output (-o)", name)}
		}
		f, err := os.Open(name)
		if err != nil {
			return inputError{fmt.Errorf("%s: %w", name, unwrapPath(err))}
		}
		defer f.Close()
		inputs = append(inputs, sweep.Input{Name: name, R: f})
	}
	header, rows, err := sweep.Merge(inputs)
	if err != nil {
		var me *sweep.MergeError
		if errors.As(err, &me) {
			return inputError{err}
		}
		return err
	}
	out, closeOut, err := openOutput(o.output, stdout)
	if err != nil {
		return err
	}
	w := csv.NewWriter(out)
	_ = w.Write(header)
	_ = w.WriteAll(rows) // flushes; the error is w.Error's
	return errors.Join(wrapWrite(o.output, w.Error()), wrapWrite(o.output, closeOut()))
}

// openOutput opens merge's output: stdout for "" or "-", else a file.
func openOutput(path string, stdout io.Writer) (io.Writer, func() error, error) {
	if path == "" || path == "-" {
		return stdout, func() error { return nil }, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, nil, usageError{fmt.Errorf("-o %s: %w", path, unwrapPath(err))}
	}
	return f, f.Close, nil
}

func wrapWrite(path string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("writing the merged CSV to %s: %w", csvName(path), err)
}

// sameFile reports whether a and b name one file (b need not exist).
func sameFile(a, b string) bool {
	ia, errA := os.Stat(a)
	ib, errB := os.Stat(b)
	if errA == nil && errB == nil {
		return os.SameFile(ia, ib)
	}
	pa, _ := filepath.Abs(a)
	pb, _ := filepath.Abs(b)
	return pa == pb
}
