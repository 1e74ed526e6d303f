using System.Diagnostics;
using Jockey.AppHost.Hosting;

namespace Jockey.AppHost.Orchestration;

/// <summary>How a resource's process is launched: in a session of its own, with exactly the environment chosen for it.</summary>
internal static class SessionStartInfo
{
    public static ProcessStartInfo For(ProcessSpec spec)
    {
        // setsid puts the child in its own session, so the terminal's Ctrl-C reaches only the AppHost, which then
        // stops resources in reverse dependency order, and ProcessTree can signal the child's whole process group.
        // It execs in place, so the PID we hold is the program's.
        var setsid = Executables.Find("setsid");
        var info = new ProcessStartInfo(setsid ?? spec.FileName)
        {
            WorkingDirectory = spec.WorkingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
        {
            info.ArgumentList.Add(spec.FileName);
        }
        foreach (var argument in spec.Arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment.Clear();
        foreach (var (key, value) in spec.Environment)
        {
            info.Environment[key] = value;
        }
        return info;
    }
}
