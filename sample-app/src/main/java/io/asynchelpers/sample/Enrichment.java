/*
 * Copyright 2026 the async-helpers-spring-boot authors.
 * Licensed under the Apache License, Version 2.0.
 */
package io.asynchelpers.sample;

/**
 * What the catalogue knows about an item.
 *
 * @param id the item's number
 * @param title its title
 * @param priceCents its price
 */
public record Enrichment(int id, String title, int priceCents) {
}
