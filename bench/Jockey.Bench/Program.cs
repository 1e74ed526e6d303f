using Jockey.Bench;
using Jockey.Bench.Report;
using Jockey.Bench.Scenarios;
using Jockey.Bench.Targets;

// Jockey.Bench [scenario…] [--smoke] [--reps N] [--subscribers 100,1000] [--capacity N] [--threads N] [--only sse,signalr,socketio] [--root DIR]
//   scenarios: fanout capacity threads narration agent coldstart (default: all)
//   --smoke    scenario 1 on Jockey only, 20 subscribers, ~5 s of events: exits 1 unless nothing was lost,
//              duplicated or out of order (scripts/test.sh runs it)
// The Kestrel floor's server runs as this tool in a process of its own (Targets/KestrelFloorTarget.cs).
if (args is [KestrelFloorServer.Flag, var port, var redis]) return await KestrelFloorServer.RunAsync(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), redis);

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
