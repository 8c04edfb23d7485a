using Compliance.Benchmarks;

// infra/bench [api|detection] [options]: prints figures, asserts nothing.
return args.FirstOrDefault() switch
{
    "detection" => DetectionBenchmark.Run(args[1..]),
    "api" => await ApiBenchmark.RunAsync(args[1..]),
    _ => await ApiBenchmark.RunAsync(args),
};
