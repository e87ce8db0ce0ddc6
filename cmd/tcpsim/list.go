package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/tcpsim/tcpsim/scenarios"
)

func newListCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List the built-in scenarios",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(*cobra.Command, []string) error {
			return runList(stdout)
		},
	}
}

func runList(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, s := range scenarios.List() {
		fmt.Fprintf(tw, "%s\t%s\n", s.Name, s.Description)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, "\nRun one with 'tcpsim run NAME'; see its YAML with 'tcpsim show NAME'.")
	return err
}

func newShowCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "show NAME",
		Short:   "Print a built-in scenario's YAML, to copy and edit",
		Example: "tcpsim show lost-segment > my.yaml",
		Args:    exactArgs(1, "a built-in scenario name"),
		RunE: func(_ *cobra.Command, args []string) error {
			src, err := scenarios.Source(args[0])
			if err != nil {
				return usageError{err}
			}
			_, err = stdout.Write(src)
			return err
		},
	}
}

func newValidateCmd(stdout io.Writer) *cobra.Command {
	return &cobra.Command{
		Use:     "validate FILE|NAME",
		Short:   "Check a scenario without running it",
		Example: "tcpsim validate my.yaml",
		Args:    exactArgs(1, "a scenario file or built-in name"),
		RunE: func(_ *cobra.Command, args []string) error {
			s, err := scenarios.Load(args[0])
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(stdout, "%s: ok (%s)\n", args[0], s.Name)
			return err
		},
	}
}
