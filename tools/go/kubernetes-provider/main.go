// Command pulumi-resource-kubernetes serves the Kubernetes resource provider.
//
// Upstream's main embeds generated files that are not part of the Go module; `npm run setup`
// generates them here (schema-embed.json with the version field set, terraform-mapping-embed.json)
// from the module's schema.json before building.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
