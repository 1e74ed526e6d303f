namespace Jockey.Testing;

/// <summary>
/// The local agent's sample index (ten clips it makes on a first start with espeak-ng and ffmpeg), kept from the first
/// app whose agent made it and copied into each later app's fresh data path: making it is most of what an app's start
/// costs on two cores, and the suite starts dozens. The copy carries the generator's completion marker, so an agent
/// whose clips changed since (a new marker version) makes them again. Tests of the generation itself choose their own
/// data path, which is never seeded.
/// </summary>
internal static class SampleIndexSeed
{
    private static readonly string Seed = Path.Combine(Path.GetTempPath(), $"jockey-sample-seed-{Environment.ProcessId}");
    private static readonly Lock Gate = new();

    static SampleIndexSeed() => AppDomain.CurrentDomain.ProcessExit += (_, _) => Delete(Seed);

    /// <summary>Puts the kept sample index into a data path the agent has not started on yet; nothing while none is kept.</summary>
    public static void CopyInto(string agentDataPath)
    {
        lock (Gate)
        {
            if (Directory.Exists(Seed)) CopyFiles(Seed, SamplePath(agentDataPath));
        }
    }

    /// <summary>Keeps the sample index an agent made, if it finished making it and none is kept yet.</summary>
    public static void KeepFrom(string agentDataPath)
    {
        lock (Gate)
        {
            var sample = SamplePath(agentDataPath);
            if (Directory.Exists(Seed) || !Directory.Exists(sample) || !Directory.EnumerateFiles(sample, ".sample-complete-*").Any()) return;
            var partial = Seed + ".partial";
            Delete(partial);
            CopyFiles(sample, partial);
            Directory.Move(partial, Seed);
        }
    }

    private static string SamplePath(string agentDataPath) => Path.Combine(agentDataPath, "indexes", "sample");

    private static void CopyFiles(string from, string to)
    {
        Directory.CreateDirectory(to);
        // A clip still being written (.tmp-*) is not part of a finished index.
        foreach (var file in Directory.EnumerateFiles(from).Where(f => !Path.GetFileName(f).StartsWith(".tmp-", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static void Delete(string path)
    {
        try
        {
            if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
