using System.Diagnostics;

namespace Jockey.ApiService.Hosting;

/// <summary>
/// The app's own spans. The source is named after the application because ServiceDefaults listens to exactly
/// <c>builder.Environment.ApplicationName</c>.
/// </summary>
public static class ApiTelemetry
{
    public static readonly ActivitySource Source = new(typeof(ApiTelemetry).Assembly.GetName().Name!);

    public const string ThreadId = "thread.id";
    public const string OperationId = "operation.id";
}
