using System.Text.Json;
using Jockey.ApiService.Auth;
using Jockey.ApiService.Processing;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Jockey.ApiService.Hosting;

/// <summary>What every request goes through: the client's real address, security headers, size limit, ProblemDetails for every error, CORS, no cross-site sockets; and the run budget.</summary>
public static class HttpHardeningExtensions
{
    public static IHostApplicationBuilder AddHttpHardening(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<LimitsOptions>().BindConfiguration("Limits").ValidateDataAnnotations().ValidateOnStart();
        builder.AddClientAddress();
        builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Errors raised below the endpoint (Kestrel, routing) come without a detail; give them one.
            var limits = context.HttpContext.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value;
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status413PayloadTooLarge => $"The request body is too large: the limit is {limits.MaxBodyBytes} bytes (Limits:MaxBodyBytes).",
                StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON with Content-Type: application/json.",
                StatusCodes.Status404NotFound => $"There is no endpoint at {context.HttpContext.Request.Path}; see /openapi/v1.json.",
                StatusCodes.Status405MethodNotAllowed => $"{context.HttpContext.Request.Method} is not allowed on {context.HttpContext.Request.Path}.",
                _ => null,
            };
        });
        builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
        builder.Services.AddExceptionHandler<RedisUnavailableExceptionHandler>();
        // Binding failures (bad JSON, too large) throw, so the handler above can explain them instead of a bare 400.
        builder.Services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<LimitsOptions>>((kestrel, limits) => kestrel.Limits.MaxRequestBodySize = limits.Value.MaxBodyBytes);

        builder.Services.AddCors();
        builder.Services.AddOptions<Microsoft.AspNetCore.Cors.Infrastructure.CorsOptions>()
            .Configure<IOptions<LimitsOptions>>((cors, limits) => cors.AddDefaultPolicy(policy => policy
                .WithOrigins(limits.Value.CorsOrigins).AllowAnyHeader().AllowAnyMethod().AllowCredentials()));

        builder.Services.AddSingleton<ProcessRateLimiter>();
        return builder;
    }

    /// <remarks>
    /// All of it runs before routing, so an SSE stream, which routing serves itself (<see cref="Streaming.StreamApi"/>),
    /// passes it too. Each step but the exception handler hands the request on without waiting on it: a stream that
    /// lives for hours keeps none of their state. Status-code pages wait on every request, so they come after routing.
    /// </remarks>
    public static WebApplication UseHttpHardening(this WebApplication app)
    {
        // Before the client's address replaces it: the platform's principal headers are believed only from a trusted peer.
        app.UseConnectionPeer();
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        // Only a request with an Origin can be cross-origin; the others skip CORS, which would create the request's
        // service scope to look its policy up.
        app.UseWhen(context => context.Request.Headers.ContainsKey(HeaderNames.Origin), cors => cors.UseCors());
        app.UseCrossSiteSocketGuard();
        return app;
    }
}

/// <summary>Turns request errors (bad JSON, oversized body, wrong content type) into ProblemDetails that say what is wrong.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var detail = bad.InnerException is JsonException json
            ? $"The body is not valid JSON for this request: {json.Message}"
            : bad.Message;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = "The request could not be read.", Detail = detail },
            Exception = exception,
        });
    }
}

/// <summary>Redis down is a 503 that says so, not a 500: the request can simply be tried again once it is back.</summary>
internal sealed class RedisUnavailableExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        if (exception is not (StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException)) return false;
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "5";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The event store is unavailable.",
                Detail = "The event store (Redis) is not reachable right now; try again in a moment. If it persists, check that Redis runs and ConnectionStrings:redis points at it.",
            },
            Exception = exception,
        });
    }
}
