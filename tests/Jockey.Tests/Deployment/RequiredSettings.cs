using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Jockey.Tests.Deployment;

/// <summary>A setting a service cannot start or work without, as an environment variable, and where the source asks for it.</summary>
internal sealed partial record RequiredSetting(string Variable, string Reason)
{
    /// <summary>A service address is there when any endpoint of that service is (http or https, any index).</summary>
    public bool IsSetIn(IReadOnlyDictionary<string, string> settings) =>
        ServiceEndpoint().Match(Variable) is { Success: true } endpoint
            ? settings.Keys.Any(key => key.StartsWith($"services__{endpoint.Groups["service"].Value}__", StringComparison.Ordinal))
            : settings.ContainsKey(Variable);

    [GeneratedRegex(@"^services__(?<service>[A-Za-z0-9-]+)__https?__\d+$")]
    private static partial Regex ServiceEndpoint();
}

/// <summary>
/// Derives the settings a service requires from its source, so a new connection, options class or service reference
/// is checked against infra/ without editing the tests:
/// <list type="bullet">
/// <item>connection names: <c>GetConnectionString("x")</c>, and calls such as <c>AddRedis("x")</c> to any method
///   that passes its string parameter to <c>GetConnectionString</c> → <c>ConnectionStrings__x</c>;</item>
/// <item>options bound with <c>AddOptions&lt;T&gt;().BindConfiguration("Section")</c> (or <c>GetSection("Section")</c>):
///   each <c>[Required]</c> property of <c>T</c> with no usable default and no value in appsettings.json → <c>Section__Prop</c>;</item>
/// <item>service-discovery addresses such as <c>"http://jockey"</c> → <c>services__jockey__http__0</c>;</item>
/// <item>JavaScript: <c>process.env.services__x__…</c> reads → <c>services__x__http__0</c> (any endpoint of x satisfies them).</item>
/// </list>
/// </summary>
internal static partial class RequiredSettings
{
    public static IReadOnlyList<RequiredSetting> ForDotnetProject(string projectDirectory)
    {
        var sources = Repository.SourceFiles(projectDirectory, ".cs")
            .ToDictionary(file => Path.GetRelativePath(projectDirectory, file), File.ReadAllText);
        var appSettings = LoadAppSettings(Path.Combine(projectDirectory, "appsettings.json"));
        var required = new List<RequiredSetting>();

        var consumers = ConnectionConsumers(sources.Values);
        foreach (var (file, text) in sources)
        {
            foreach (Match call in ConnectionCall().Matches(text))
            {
                if (call.Groups["method"].Value == "GetConnectionString" || consumers.Contains(call.Groups["method"].Value))
                {
                    required.Add(new($"ConnectionStrings__{call.Groups["name"].Value}", $"{file}: {call.Value}"));
                }
            }
            foreach (Match binding in OptionsBinding().Matches(text))
            {
                var section = ResolveString(binding.Groups["section"].Value, sources.Values);
                required.AddRange(RequiredProperties(binding.Groups["type"].Value, sources.Values)
                    .Where(property => appSettings?[section]?[property] is null)
                    .Select(property => new RequiredSetting($"{section.Replace(":", "__")}__{property}",
                        $"{file}: [Required] {binding.Groups["type"].Value}.{property}, bound to \"{section}\"")));
            }
            foreach (Match address in ServiceAddress().Matches(text))
            {
                required.Add(new($"services__{address.Groups["service"].Value}__http__0", $"{file}: \"{address.Value}\""));
            }
        }
        return Distinct(required);
    }

    public static IReadOnlyList<RequiredSetting> ForJavaScriptProject(string projectDirectory) => Distinct(
        Repository.SourceFiles(projectDirectory, ".js", ".mjs", ".cjs", ".ts", ".mts", ".tsx")
            .SelectMany(file => EnvServiceRead().Matches(File.ReadAllText(file))
                .Select(read => new RequiredSetting($"services__{read.Groups["service"].Value}__http__0",
                    $"{Path.GetRelativePath(projectDirectory, file)}: {read.Value}"))));

    /// <summary>Names of methods with a string parameter that they pass to GetConnectionString.</summary>
    private static HashSet<string> ConnectionConsumers(IEnumerable<string> sources)
    {
        var consumers = new HashSet<string>();
        foreach (var text in sources)
        {
            var declarations = MethodWithStringParameter().Matches(text);
            for (var i = 0; i < declarations.Count; i++)
            {
                var bodyEnd = i + 1 < declarations.Count ? declarations[i + 1].Index : text.Length;
                var body = text[declarations[i].Index..bodyEnd];
                if (body.Contains($"GetConnectionString({declarations[i].Groups["parameter"].Value})"))
                {
                    consumers.Add(declarations[i].Groups["method"].Value);
                }
            }
        }
        return consumers;
    }

    /// <summary>[Required] properties of a class or record that have no default a deployment could rely on.</summary>
    private static IEnumerable<string> RequiredProperties(string typeName, IEnumerable<string> sources)
    {
        foreach (var text in sources)
        {
            var declaration = Regex.Match(text, $@"\b(class|record)\s+{Regex.Escape(typeName)}\b[^{{]*\{{");
            if (!declaration.Success)
            {
                continue;
            }
            var body = BracedBlock(text, declaration.Index + declaration.Length - 1);
            foreach (Match property in RequiredProperty().Matches(body))
            {
                var initializer = property.Groups["default"].Value.Trim();
                if (initializer is "" or "null!" or "default!" or "\"\"" or "string.Empty")
                {
                    yield return property.Groups["name"].Value;
                }
            }
        }
    }

    private static string BracedBlock(string text, int openBrace)
    {
        var depth = 0;
        for (var i = openBrace; i < text.Length; i++)
        {
            depth += text[i] switch { '{' => 1, '}' => -1, _ => 0 };
            if (depth == 0)
            {
                return text[openBrace..(i + 1)];
            }
        }
        return text[openBrace..];
    }

    /// <summary>A string literal, nameof(X), or a constant such as JockeyOptions.SectionName.</summary>
    private static string ResolveString(string expression, IEnumerable<string> sources)
    {
        expression = expression.Trim();
        if (expression.StartsWith('"'))
        {
            return expression.Trim('"');
        }
        if (NameOf().Match(expression) is { Success: true } nameOf)
        {
            return nameOf.Groups[1].Value.Split('.')[^1];
        }
        var constant = expression.Split('.')[^1];
        foreach (var text in sources)
        {
            var match = Regex.Match(text, $@"\b{Regex.Escape(constant)}\s*=\s*""([^""]+)""");
            if (match.Success)
            {
                return match.Groups[1].Value;
            }
        }
        throw new InvalidOperationException($"Cannot tell which configuration section `{expression}` names: use a string literal, nameof() or a const string.");
    }

    private static JsonNode? LoadAppSettings(string path) =>
        File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path), documentOptions: new() { CommentHandling = System.Text.Json.JsonCommentHandling.Skip, AllowTrailingCommas = true }) : null;

    private static List<RequiredSetting> Distinct(IEnumerable<RequiredSetting> settings) =>
        settings.GroupBy(setting => setting.Variable, StringComparer.OrdinalIgnoreCase).Select(group => group.First()).ToList();

    [GeneratedRegex(@"\b(?<method>\w+)\(\s*""(?<name>[A-Za-z0-9_-]+)""\s*\)")]
    private static partial Regex ConnectionCall();

    [GeneratedRegex(@"\b(?<method>\w+)(?:<[^>]*>)?\s*\((?:this\s+[\w<>.?]+\s+\w+\s*,\s*)?[^)]*\bstring\s+(?<parameter>\w+)[^)]*\)\s*(?:where[^{]*)?\{")]
    private static partial Regex MethodWithStringParameter();

    [GeneratedRegex(@"AddOptions<(?<type>[\w.]+)>\(\s*\)\s*\.(?:BindConfiguration\(\s*|Bind\(\s*\w+(?:\.\w+)*\.GetSection\(\s*)(?<section>""[^""]+""|nameof\([\w.]+\)|[\w.]+)", RegexOptions.Singleline)]
    private static partial Regex OptionsBinding();

    [GeneratedRegex(@"\[Required[^\]]*\](?:\s*\[[^\]]+\])*\s*public\s+[\w<>?,\[\]. ]+?\s+(?<name>\w+)\s*\{[^}]*\}\s*(?:=\s*(?<default>[^;]+);)?", RegexOptions.Singleline)]
    private static partial Regex RequiredProperty();

    [GeneratedRegex(@"nameof\(([\w.]+)\)")]
    private static partial Regex NameOf();

    // "http://jockey", "https+http://apiservice": a single-label host is a service-discovery name, not a real host.
    [GeneratedRegex(@"""(?:https\+http|http|https)://(?<service>[a-z][a-z0-9-]*)(?=[:/""])(?<!://localhost)")]
    private static partial Regex ServiceAddress();

    // Either scheme of a service satisfies a read (`…http__0 ?? …https__0`), so each service counts once.
    [GeneratedRegex(@"process\.env(?:\.|\[['""])services__(?<service>[A-Za-z0-9-]+)__https?__\d+")]
    private static partial Regex EnvServiceRead();
}
