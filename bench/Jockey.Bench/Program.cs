using Jockey.Bench;
using Jockey.Bench.Report;
using Jockey.Bench.Scenarios;

// Jockey.Bench [scenario…] [--smoke] [--reps N] [--subscribers 100,1000] [--capacity N] [--threads N] [--only sse,signalr,socketio] [--root DIR]
//   scenarios: fanout capacity threads narration agent coldstart (default: all)
//   --smoke    scenario 1 on Jockey only, 20 subscribers, ~5 s of events: exits 1 unless nothing was lost,
//              duplicated or out of order (scripts/test.sh runs it)
var options = BenchOptions.Parse(args);
if (options.Error is { } error)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine("usage: Jockey.Bench [fanout|capacity|threads|narration|agent|coldstart …] [--smoke] [--reps N] [--subscribers 100,1000] [--capacity N] [--threads N] [--only sse,signalr,socketio] [--root DIR]");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var runner = new BenchRunner(options);
var results = await runner.RunAsync(cancel.Token);
if (options.Smoke) return SmokeCheck.Report(results);

await ReportWriter.WriteAsync(results, options.Root, cancel.Token);
return 0;
