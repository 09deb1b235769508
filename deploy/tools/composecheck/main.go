// composecheck loads a Compose file with compose-go, the loader of `docker compose` itself:
// interpolation, schema validation, normalisation and consistency checks (unknown services in
// depends_on, undeclared volumes, ...), without a Docker engine. Prints the resolved services.
//
//	go run . -f ../../../docker-compose.yaml -e /path/to/filled.env
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"

	"github.com/compose-spec/compose-go/v2/cli"
)

func main() {
	file := flag.String("f", "docker-compose.yaml", "Compose file")
	envFile := flag.String("e", "", "env file used for interpolation")
	flag.Parse()

	opts := []cli.ProjectOptionsFn{cli.WithName("newsingest"), cli.WithOsEnv}
	if *envFile != "" {
		opts = append(opts, cli.WithEnvFiles(*envFile), cli.WithDotEnv)
	}
	options, err := cli.NewProjectOptions([]string{*file}, opts...)
	if err != nil {
		fmt.Fprintln(os.Stderr, "composecheck:", err)
		os.Exit(1)
	}
	project, err := options.LoadProject(context.Background())
	if err != nil {
		fmt.Fprintln(os.Stderr, "composecheck:", err)
		os.Exit(1)
	}
	names := project.ServiceNames()
	sort.Strings(names)
	for _, name := range names {
		svc := project.Services[name]
		fmt.Printf("service %s image=%s healthcheck=%t\n", name, svc.Image, svc.HealthCheck != nil)
	}
	fmt.Printf("ok: %d services, %d volumes\n", len(project.Services), len(project.Volumes))
}
