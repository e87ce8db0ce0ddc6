package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/tcpsim/tcpsim/scenarios"
	"github.com/tcpsim/tcpsim/viz/catalog"
	"github.com/tcpsim/tcpsim/viz/ladder"
)

// compareOptions are the flags of 'tcpsim compare'.
type compareOptions struct {
	scenarios []string
	profile   string
	lang      string
}

func newCompareCmd(stdout io.Writer) *cobra.Command {
	var o compareOptions
	cmd := &cobra.Command{
		Use:   "compare A B [C …]",
		Short: "Run scenarios and print what each spent, side by side",
		Long: "Run two or more scenarios (files or built-in names) and print, one column each, what\n" +
			"carrying their messages cost: connections opened, handshakes, packets, header and payload\n" +
			"bytes, when the last response was read, the mean and longest request latency, the\n" +
			"server's connection-seconds (a proxy for its memory) and the TIME-WAIT sockets left.",
		Example: "tcpsim compare http-keepalive http-close",
		Args: func(_ *cobra.Command, args []string) error {
			if len(args) < 2 {
				return usageError{errors.New("compare needs at least two scenarios, such as: tcpsim compare http-keepalive http-close")}
			}
			return nil
		},
		RunE: func(_ *cobra.Command, args []string) error {
			o.scenarios = args
			return runCompare(&o, stdout)
		},
	}
	cmd.Flags().StringVar(&o.profile, "profile", "", "the behaviour profile of every host: rfc or linux (default: what each scenario says)")
	cmd.Flags().StringVar(&o.lang, "lang", "en", "language of the table: en or vi")
	return cmd
}

// runCompare loads every scenario first (a bad one is exit 2 before any
// run), then runs each and prints the table.
func runCompare(o *compareOptions, stdout io.Writer) error {
	lang, err := catalog.ParseLang(o.lang)
	if err != nil {
		return usageError{fmt.Errorf("--lang: %w", err)}
	}
	loaded := make([]*scenarios.Scenario, len(o.scenarios))
	for i, name := range o.scenarios {
		s, err := scenarios.LoadWith(name, scenarios.Options{Profile: o.profile})
		if err != nil {
			return usageError{err}
		}
		if s.Dumbbell != nil {
			return usageError{fmt.Errorf("%s has flows: compare counts what one client and one server paid; run it for the flows' goodputs and fairness", s.Name)}
		}
		loaded[i] = s
	}
	names := make([]string, len(loaded))
	costs := make([]*ladder.Costs, len(loaded))
	for i, s := range loaded {
		names[i] = s.Name
		costs[i] = ladder.NewCosts(s.Client.Name, s.Server.Name)
		if _, err := scenarios.Run(s, costs[i]); err != nil {
			return err
		}
	}
	return ladder.WriteCosts(stdout, names, costs, lang)
}
