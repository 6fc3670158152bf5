package dev.lorehub.node.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Real-looking lore text for the benchmarks (issue 17): English sentences of the kind people keep
 * as lores, written for this benchmark and not part of the compression dictionary's training text
 * (see {@code LoreDictionaryTrainer}), drawn without repetition inside one lore.
 */
final class LoreText {
    private static final String[] SENTENCES = {
        "The payment service retries a failed charge three times with exponential backoff, so never wrap it in another retry loop.",
        "We pinned the ORM to version 4.2 because 4.3 silently changed how nullable foreign keys are hydrated.",
        "Staging shares the Redis instance with the nightly batch jobs; flushing it during the day breaks the report exports.",
        "All timestamps in the events table are UTC; the dashboard converts them to the user's zone at render time only.",
        "The mobile app caches feature flags for twelve hours, so a flag flipped today may take until tomorrow to reach every phone.",
        "Do not add indexes to the audit log table by hand: the migration tool drops anything it did not create.",
        "Invoices are numbered per country, and the tax office in Germany rejects gaps, so a cancelled invoice keeps its number.",
        "Search results are ranked by the vector score first and the text score second; swapping them made support tickets double.",
        "The legacy importer expects semicolons as separators because the first customers exported from a European spreadsheet.",
        "Our rate limiter counts requests per API key, not per user, which is why one shared integration can lock out a whole team.",
        "We chose PostgreSQL over MongoDB for the ledger because we need transactions across the account and entry tables.",
        "Builds on the release branch must never use snapshot dependencies; the publishing step refuses them and the pipeline hangs.",
        "The login page sets the session cookie with SameSite Lax; Strict broke the single sign-on redirect from the identity provider.",
        "When the queue backs up, scale the consumers, not the producers: the producers only block on a full buffer.",
        "The nightly backup runs at two in the morning and locks the orders table for about forty seconds.",
        "Product decided that archived projects stay searchable for ninety days before they disappear from the index.",
        "Error messages shown to users must say what went wrong and what to do next; stack traces go to the log only.",
        "The reporting database is a replica that can lag behind by several minutes, so never read from it right after a write.",
        "Customer support can impersonate a user, but every action taken that way is written to the audit trail with both names.",
        "The image resizer runs out of memory on panoramas larger than twenty megapixels; we reject them at upload instead.",
        "Keep the public API backwards compatible for two minor versions; removing a field needs a deprecation notice first.",
        "Feature branches older than two weeks are hard to merge because the generated client code changes on every schema update.",
        "The warehouse scanner firmware sends weights in grams, while the old web shop expected kilograms with two decimals.",
        "Use the shared HTTP client from the platform library; it already sets timeouts, tracing headers and connection pooling.",
        "We tried server-side rendering for the catalogue in the spring and rolled it back because cache hit rates fell sharply.",
        "Alerts that fire more than twice a week without action get deleted or turned into dashboards, per the on-call agreement.",
        "The CSV export escapes quotes by doubling them, which the finance team's macro depends on; do not switch to backslashes.",
        "Secrets live in the vault, never in environment files committed to the repository, even for local development.",
        "The scheduler runs every job in the container's time zone, which is UTC, so a job set for nine runs at nine UTC.",
        "Tests that talk to the real payment sandbox are tagged slow and run only on the main branch, not on pull requests.",
        "Deleting a user anonymises their orders instead of removing them, because accounting must keep the totals for ten years.",
        "The translation files are generated from the spreadsheet owned by the content team; edit the sheet, not the JSON.",
        "We batch notification emails per hour since sending one email per comment got our domain flagged as a spammer.",
        "Connection pool size is twenty per instance; the database allows two hundred connections, and we run up to eight instances.",
        "The map tiles come from a paid provider with a monthly quota, so the preview environment uses a static placeholder.",
        "Any change to the pricing rules needs sign-off from finance, because the old rules are still used to recompute refunds.",
        "The search indexer skips documents larger than five megabytes and logs a warning that nobody reads; check it when results are missing.",
        "Uploads go straight to object storage with a signed URL, so the application servers never see the file contents.",
        "The old admin panel is still used by the warehouse team for returns; do not remove it until the new flow covers refunds.",
        "We keep the message schema in a separate repository so that producers and consumers can agree on versions explicitly.",
        "Monday deploys are forbidden after the incident where a weekend cron job and a migration fought over the same table.",
        "The recommendation model is retrained weekly, and a sudden drop in click rate usually means the training job failed silently.",
        "Phone numbers are stored in international format with a plus sign; the SMS gateway rejects anything else without an error.",
        "Cache keys include the tenant id, because one early bug showed one customer's prices to another customer for an afternoon.",
        "The feature toggle service is the single source of truth; hard-coded checks for beta users were removed last quarter.",
        "Load tests must run against the performance environment, never production, even on weekends when traffic looks low.",
        "The accessibility audit requires every form field to have a visible label; placeholders alone do not count.",
        "Database migrations run before the new code is deployed, so every migration must work with the previous release too.",
        "Retries on the shipping API are safe because every request carries an idempotency key derived from the order number.",
        "The graph of service dependencies in the wiki is out of date; the tracing dashboard shows the real call paths.",
        "Large customers get a dedicated queue so that their bulk imports cannot starve the small accounts of workers.",
        "Our currency amounts are integers in the smallest unit, cents or pence, and rounding happens once, when an invoice is issued.",
        "The on-call engineer may roll back any deploy without asking, but must write a short note in the incident channel.",
        "Webhook deliveries are signed with a shared secret and retried for three days; after that the endpoint is disabled.",
        "We measured that the slowest part of checkout is the address validation call, which takes about four hundred milliseconds.",
        "Logs are kept for thirty days and then deleted, which matters when someone asks about a problem from last quarter.",
        "The design system's button component already handles loading states, so do not add spinners around it by hand.",
        "Cron expressions in the job config use six fields with seconds first, unlike the classic five-field format.",
        "The partner API returns HTTP 200 with an error object in the body for validation failures, so always check the status field.",
        "Dark mode colours are defined as tokens in one file; hard-coded hex values in components will not switch themes."
    };

    private LoreText() {
    }

    /** About {@code chars} characters of sentences in a random order. */
    static String of(Random rnd, int chars) {
        List<String> pool = new ArrayList<>(List.of(SENTENCES));
        Collections.shuffle(pool, rnd);
        StringBuilder sb = new StringBuilder(chars + 128);
        for (int i = 0; sb.length() < chars; i++) {
            if (i == pool.size()) {
                Collections.shuffle(pool, rnd);
                i = 0;
            }
            sb.append(pool.get(i)).append(' ');
        }
        return sb.substring(0, chars).strip();
    }
}
