// Command etcdutl is etcd's offline administration tool (snapshot restore and status, defrag of a
// stopped member's data). Upstream's main package (go.etcd.io/etcd/etcdutl/v3, ctl.go and main.go)
// cannot be imported, so its few lines are repeated here: the same root command and subcommands.
package main

import (
	"github.com/spf13/cobra"

	"go.etcd.io/etcd/etcdutl/v3/etcdutl"
	"go.etcd.io/etcd/pkg/v3/cobrautl"
)

var rootCmd = &cobra.Command{
	Use:        "etcdutl",
	Short:      "An administrative command line tool for etcd3.",
	SuggestFor: []string{"etcdutl"},
}

func init() {
	cobra.EnablePrefixMatching = true
	rootCmd.PersistentFlags().StringVarP(&etcdutl.OutputFormat, "write-out", "w", "simple", "set the output format (fields, json, protobuf, simple, table)")
	rootCmd.AddCommand(
		etcdutl.NewDefragCommand(),
		etcdutl.NewSnapshotCommand(),
		etcdutl.NewHashKVCommand(),
		etcdutl.NewVersionCommand(),
		etcdutl.NewCompletionCommand(),
		etcdutl.NewMigrateCommand(),
	)
}

func main() {
	rootCmd.SetHelpTemplate(`{{.UsageString}}`)
	if err := rootCmd.Execute(); err != nil {
		cobrautl.ExitWithError(cobrautl.ExitError, err)
	}
}
