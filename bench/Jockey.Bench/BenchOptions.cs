using Jockey.Bench.Clients;

namespace Jockey.Bench;

/// <summary>The command line: which scenarios, smoke or full, repetitions, and the repository root.</summary>
public sealed record BenchOptions(IReadOnlySet<string> Scenarios, IReadOnlySet<Transport> Transports, bool Smoke, BenchSettings Settings, string Root, string? Error)
{
    public static readonly string[] AllScenarios = ["fanout", "capacity", "threads", "narration", "agent", "preview", "library", "coldstart", "redisbreak"];

    public bool Runs(string scenario) => Scenarios.Contains(scenario);

    public static BenchOptions Parse(string[] args)
    {
        var scenarios = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var smoke = false;
        var profile = false;
        var wire = false;
        int? reps = null, capacity = null, threads = null;
        int[]? subscribers = null, librarySizes = null;
        var transports = new HashSet<Transport>();
        var apiEnvironment = new Dictionary<string, string>();
        string? root = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--smoke":
                    smoke = true;
                    break;
                case "--profile":
                    profile = true;
                    break;
                case "--wire":
                    wire = true;
                    break;
                case "--reps" when i + 1 < args.Length && int.TryParse(args[i + 1], out var n) && n > 0:
                    reps = n;
                    i++;
                    break;
                case "--capacity" when i + 1 < args.Length && int.TryParse(args[i + 1], out var c) && c > 0:
                    capacity = c;
                    i++;
                    break;
                case "--threads" when i + 1 < args.Length && int.TryParse(args[i + 1], out var t) && t > 0:
                    threads = t;
                    i++;
                    break;
                case "--subscribers" when i + 1 < args.Length && args[i + 1].Split(',').All(x => int.TryParse(x, out var v) && v > 0):
                    subscribers = [.. args[++i].Split(',').Select(int.Parse)];
                    break;
                case "--sizes" when i + 1 < args.Length && args[i + 1].Split(',').All(x => int.TryParse(x, out var v) && v > 0):
                    librarySizes = [.. args[++i].Split(',').Select(int.Parse)];
                    break;
                case "--only" when i + 1 < args.Length:
                    foreach (var name in args[++i].Split(','))
                    {
                        if (!Enum.TryParse<Transport>(name, ignoreCase: true, out var transport)) return Invalid($"Unknown transport '{name}': use sse, signalr or socketio.");
                        transports.Add(transport);
                    }
                    break;
                case "--api-env" when i + 1 < args.Length && args[i + 1].IndexOf('=', StringComparison.Ordinal) > 0:
                    var setting = args[++i].Split('=', 2);
                    apiEnvironment[setting[0]] = setting[1];
                    break;
                case "--root" when i + 1 < args.Length:
                    root = Path.GetFullPath(args[++i]);
                    break;
                case "all":
                    scenarios.UnionWith(AllScenarios);
                    break;
                case var name when AllScenarios.Contains(name, StringComparer.OrdinalIgnoreCase):
                    scenarios.Add(name.ToLowerInvariant());
                    break;
                default:
                    return Invalid($"Unknown argument '{args[i]}'.");
            }
        }
        if (scenarios.Count == 0) scenarios.UnionWith(smoke ? ["fanout"] : AllScenarios);
        var settings = smoke ? BenchSettings.Smoke : new BenchSettings();
        if (reps is { } r) settings = settings with { Repetitions = r, ColdStarts = r };
        settings = settings with
        {
            Capacity = capacity ?? settings.Capacity,
            Threads = threads ?? settings.Threads,
            Subscribers = subscribers ?? settings.Subscribers,
            LibrarySizes = librarySizes ?? settings.LibrarySizes,
            Profile = profile,
            Wire = wire,
            ApiEnvironment = apiEnvironment,
        };
        root ??= FindRoot() ?? Directory.GetCurrentDirectory();
        if (transports.Count == 0) transports.UnionWith(Enum.GetValues<Transport>());
        return new BenchOptions(scenarios, transports, smoke, settings, root, null);
    }

    private static BenchOptions Invalid(string error) => new(new HashSet<string>(), new HashSet<Transport>(), false, new BenchSettings(), "", error);

    private static string? FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jockey.sln"))) return dir.FullName;
        }
        return null;
    }
}
