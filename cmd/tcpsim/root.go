package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/tcpsim/tcpsim/scenarios"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailed   = 1 // the run failed (its event budget ran out), or an output could not be written
	exitBadInput = 2 // the scenario, a flag, an output path or an argument is wrong: found before the run
)

// usageError marks an error the user made on the command line.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// inputError marks a file the user gave that is wrong in itself (a CSV
// that is not a sweep's): exit status 2 like a usage error, but without
// the pointer to --help, which would not help.
type inputError struct{ err error }

func (e inputError) Error() string { return e.err.Error() }
func (e inputError) Unwrap() error { return e.err }

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "tcpsim",
		Short: "A packet-level TCP simulator that shows what happens on the wire",
		Long: "tcpsim simulates two TCP endpoints over lossy, delaying links, exactly and repeatably,\n" +
			"and draws what they send: handshakes, losses, duplicate ACKs, retransmissions, teardown.",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(newRunCmd(stdout, stderr, nil), newListCmd(stdout), newShowCmd(stdout), newValidateCmd(stdout), newKernelCmd(stdout, stderr), newCompareCmd(stdout))
	root.AddCommand(newSweepCmd(stdout, stderr, nil), newMergeCmd(stdout), newDrawCmd(stdout, stderr))
	return root
}

// execute runs the command line args and returns the exit code.
func execute(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return exitOK
	}
	var list scenarios.ErrorList
	var one *scenarios.Error
	switch {
	case errors.As(err, &list):
		printScenarioErrors(stderr, list)
		return exitBadInput
	case errors.As(err, &one):
		printScenarioErrors(stderr, scenarios.ErrorList{one})
		return exitBadInput
	}
	for _, line := range strings.Split(err.Error(), "\n") {
		fmt.Fprintf(stderr, "tcpsim: %s\n", line) // errors.Join puts one error on each line
	}
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		fmt.Fprintln(stderr, "Run 'tcpsim --help' for usage.")
		return exitBadInput
	}
	var ie inputError
	if errors.As(err, &ie) {
		return exitBadInput
	}
	return exitFailed
}

// isCobraUsage recognises cobra's own argument errors (unknown command,
// wrong number of arguments), which it does not type.
func isCobraUsage(err error) bool {
	var ae argsError
	// cobra reports an unknown command with an untyped error.
	return errors.As(err, &ae) || strings.HasPrefix(err.Error(), "unknown command")
}

// argsError is returned by our Args validators.
type argsError struct{ msg string }

func (e argsError) Error() string { return e.msg }

func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) == n {
			return nil
		}
		var msg string
		if n == 0 {
			msg = fmt.Sprintf("%s takes %s (got %q)", cmd.CommandPath(), what, args)
		} else {
			msg = fmt.Sprintf("%s needs %s (got %d arguments)", cmd.CommandPath(), what, len(args))
		}
		if ex, _, _ := strings.Cut(cmd.Example, "\n"); ex != "" {
			msg += "; for example: " + ex
		}
		return argsError{msg}
	}
}

func printScenarioErrors(w io.Writer, list scenarios.ErrorList) {
	for _, e := range list {
		fmt.Fprintf(w, "%s\n", e.Error())
		if s := e.Snippet(); s != "" {
			fmt.Fprintf(w, "%s\n", s)
		}
	}
	if len(list) > 1 {
		fmt.Fprintf(w, "%d problems\n", len(list))
	}
}
