namespace Jockey.AppHost.Orchestration;

/// <summary>Every line of every resource on the AppHost's console, prefixed with its name (silent under tests).</summary>
internal sealed class ConsoleLog(bool enabled)
{
    private static readonly string[] Colors = ["\u001b[36m", "\u001b[35m", "\u001b[33m", "\u001b[32m", "\u001b[34m", "\u001b[96m", "\u001b[95m"];
    private const string Reset = "\u001b[0m";
    private readonly Lock _gate = new();
    private readonly bool _color = !Console.IsOutputRedirected;

    public void Write(ResourceInstance instance, string text, bool isError)
    {
        if (!enabled)
        {
            return;
        }
        var prefix = instance.InstanceName.PadRight(13);
        lock (_gate)
        {
            Console.Out.WriteLine(_color
                ? $"{Colors[(uint)instance.Resource.Name.GetHashCode() % Colors.Length]}{prefix}│{Reset} {text}"
                : $"{prefix}│ {text}");
        }
    }

    public void Failure(ResourceInstance instance, string reason) => Info($"{instance.InstanceName}: {reason}", isError: true);

    public void Info(string text, bool isError = false)
    {
        if (!enabled)
        {
            return;
        }
        lock (_gate)
        {
            var line = _color ? $"\u001b[1m{(isError ? "\u001b[31m" : "\u001b[36m")}apphost{Reset}      │ {text}" : $"apphost      │ {text}";
            (isError ? Console.Error : Console.Out).WriteLine(line);
        }
    }
}
