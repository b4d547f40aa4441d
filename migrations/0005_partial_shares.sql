-- Issue 11 (spreading while it moves): a share may be partial, made by a device that is still
-- downloading the content and serves the chunks it has verified. 0 for every share made before.
ALTER TABLE shares ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
