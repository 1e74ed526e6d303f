namespace Jockey.AppHost.Hosting;

/// <summary>Where things are: the repository, the AppHost project, and the folder dev data persists in.</summary>
public sealed record HostPaths(string RepositoryRoot, string AppHostDirectory, string DataDirectory)
{
    public static HostPaths Discover(string? dataDirectory)
    {
        var root = FindRepositoryRoot(AppContext.BaseDirectory)
            ?? FindRepositoryRoot(Directory.GetCurrentDirectory())
            ?? throw new InvalidOperationException("Could not find Jockey.sln above the AppHost; run it from the repository (./scripts/dev.sh).");
        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return new HostPaths(
            root,
            Path.Combine(root, "src", "Jockey.AppHost"),
            dataDirectory ?? Path.Combine(dataHome, "jockey", "apphost"));
    }

    /// <summary>The build output folder tail (bin/Debug/net10.0/linux-x64) shared by every project of the repository.</summary>
    public string OutputTail
    {
        get
        {
            var baseDir = AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar);
            var marker = $"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}";
            var index = baseDir.LastIndexOf(marker, StringComparison.Ordinal);
            return index < 0
                ? Path.Combine("bin", "Debug", "net10.0", "linux-x64")
                : baseDir[(index + 1)..];
        }
    }

    private static string? FindRepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Jockey.sln")))
            {
                return dir.FullName;
            }
        }
        return null;
    }
}
