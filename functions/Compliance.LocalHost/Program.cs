using Compliance.LocalHost;

await LocalFunctionsHost.Build(args).RunAsync();
