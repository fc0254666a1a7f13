/// The `train --help` summary of every configuration key (defaults: `--print-default-config`).
/// Lines stay under 78 columns so ArgumentParser does not re-wrap them.
enum ConfigDocumentation {
    static let text = """
      name, version: registry directory Models/<name>/<version>/ (ser-cnn, 1)
      manifest: manifest.csv of the corpora (../shared/data/manifest.csv)
      label_map: labels, corpus-label map, dropped labels (7 call-centre classes)
      feature_config: the front end (16 kHz, 64 mel bands, 25 ms / 10 ms frames)
      features: input rows (log_mel, pitch, voicing, energy; pitch_relative:
        semitones re the clip's median F0)
      layout: channels_by_time (conv1d) | image (conv2d)
      window_seconds: service scoring window (6.0)
      crop_seconds: training crop; short clips are tiled (3.0)
      trim_silence_db: trim edge frames this far below the peak (50; 0 = off)
      dither_db: white dither added to every recording, dBFS (-75; null = off)
      level_normalization: rows relative to the clip's active frames (null = off;
        {"active_range_db": 40, "floor_db": 70}; then gain_db does nothing)
      layers: layers after the input (conv1d CNN + attentive pooling + head)
      epochs, batch_size: 30, 32
      optimizer: adam | adamw (adamw); weight_decay: 0.05
      learning_rate: peak (1e-3); minimum_learning_rate: cosine floor (2e-5)
      schedule: cosine | step (cosine); warmup_epochs (1)
      step_epochs, step_gamma: step schedule (10, 0.3)
      label_smoothing: 0.1; class_weighting: balanced | none (balanced)
      mask_missing_classes: loss over a corpus's own classes only (true)
      corpus_balance: corpus share of an epoch ~ size^(1-b) (0; 1 = equal)
      gradient_clip_norm: global gradient norm limit (5; 0 = off)
      early_stopping_patience: epochs without a better val UA (12; 0 = off)
      seed: every random choice (20260101)
      split_seed: seed of the speaker splits only (null = seed)
      speed_copies: speed factors, one precomputed copy each ([]; e.g. 0.9, 1.1)
      pitch_copies: pitch shifts, semitones, one copy each ([])
      noise_copies: SNR ranges, dB, one copy each, white or pink noise per
        file ([]; e.g. [[5, 20]])
      reverb_copies: RT60 ranges, s, one synthetic-room copy each ([]; e.g.
        [[0.2, 0.9]])
      copy_probability: share of examples that use a copy (0)
      telephone_probability: share of examples via the telephone channel (0.5)
      gain_db: random gain, +/- dB (6)
      time_masks, max_time_mask_frames: SpecAugment in time (2, 20)
      frequency_masks, max_frequency_mask_bands: SpecAugment in mel (2, 8)
      folds: speaker folds of the cross-validation (4; 0 = none)
      validation_fraction: training speakers held out for early stopping (0.15)
      robustness_conditions: k-fold test files also scored degraded ([]; e.g.
        gain:-30, telephone, noise:pink:10, reverb:0.3, opus:16000, gsm)
      robustness_fraction: share of each fold's test files they use (0.25)
      held_out_corpus: leave this corpus out, evaluate on it (null; see --loco)
      validation_ua: early stopping on pooled | corpus_mean UA (pooled)
      prefetch_batches, blas_threads, feature_threads: machinery (4, 1, 2)
    """
}
